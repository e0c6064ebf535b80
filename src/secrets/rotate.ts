import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { Keyring } from "./keyring.js";

/**
 * Every encrypted column in the database: rotation walks this list. A capability that stores a secret
 * adds its column here. `aad` must match what the capability passes to `encrypt`.
 */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{ table: string; column: string; aad: string }> = [
  { table: "smtp_servers", column: "password_enc", aad: "smtp_servers.password" },
];

export interface RotationReport {
  newKeyId: string;
  reencrypted: number;
}

/** Re-encrypts every secret with a fresh key, then forgets the old keys. Safe to re-run after a crash. */
export async function rotateSecrets(
  db: Kysely<Database>,
  keyring: Keyring,
  newKey?: Buffer,
): Promise<RotationReport> {
  const newKeyId = keyring.addKey(newKey);
  let reencrypted = 0;
  // Tables come from the list above, not from input; the untyped view is needed to walk them generically.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const anyDb = db as unknown as Kysely<any>;
  for (const { table, column, aad } of ENCRYPTED_COLUMNS) {
    const rows = (await anyDb
      .selectFrom(table)
      .select(["id", column])
      .where(column, "is not", null)
      .execute()) as Array<Record<string, string | number>>;
    for (const row of rows) {
      const envelope = String(row[column]);
      if (!keyring.isStale(envelope)) continue;
      const sealed = keyring.encrypt(keyring.decrypt(envelope, aad), aad);
      await anyDb
        .updateTable(table)
        .set({ [column]: sealed })
        .where("id", "=", row.id)
        .where(column, "=", envelope)
        .execute();
      reencrypted += 1;
    }
  }
  keyring.dropStaleKeys();
  return { newKeyId, reencrypted };
}
