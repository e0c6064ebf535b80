import type { Kysely } from "kysely";
import { isFacteurError } from "../domain/errors.js";
import type { Database } from "../store/schema.js";
import { replaceEnvelope, selectSealedRows, type SealedRow } from "./encrypted-column.repository.js";
import type { Keyring } from "./keyring.js";
import { openServerPassword, serverPasswordAad, type ServerPasswordBinding } from "./server-password.js";

type Row = SealedRow;

/**
 * Every encrypted column in the database: rotation walks this list. A capability that stores a secret adds
 * its column here, with the columns its associated data is built from and how (`aad` must match what the
 * capability passes to `encrypt`; `open` decrypts as the capability does).
 */
export const ENCRYPTED_COLUMNS: ReadonlyArray<{
  table: string;
  column: string;
  /** Columns read to build the associated data (besides `id`). */
  bindingColumns: readonly string[];
  aad(row: Row): string;
  open(keyring: Keyring, row: Row, envelope: string): string;
}> = [
  {
    table: "smtp_servers",
    column: "password_enc",
    bindingColumns: ["host", "port", "security", "authentication", "username"],
    aad: (row) => serverPasswordAad(row as unknown as ServerPasswordBinding),
    open: (keyring, row, envelope) =>
      openServerPassword(keyring, row as unknown as ServerPasswordBinding, envelope),
  },
];

export interface RotationReport {
  newKeyId: string;
  reencrypted: number;
  /**
   * Envelopes that no longer match their row (settings changed outside Facteur): they could not be opened
   * before rotation either, and cannot after it; their passwords must be entered again.
   */
  unreadable: Array<{ table: string; id: number }>;
}

/** Re-encrypts every secret with a fresh key, then forgets the old keys. Safe to re-run after a crash. */
export async function rotateSecrets(
  db: Kysely<Database>,
  keyring: Keyring,
  newKey?: Buffer,
): Promise<RotationReport> {
  const newKeyId = keyring.addKey(newKey);
  let reencrypted = 0;
  const unreadable: RotationReport["unreadable"] = [];
  for (const { table, column, bindingColumns, aad, open } of ENCRYPTED_COLUMNS) {
    const rows = await selectSealedRows(db, table, column, bindingColumns);
    for (const row of rows) {
      const envelope = String(row[column]);
      if (!keyring.isStale(envelope)) continue;
      let plaintext: string;
      try {
        plaintext = open(keyring, row, envelope);
      } catch (error) {
        if (!isFacteurError(error) || error.code !== "SERVER_PASSWORD_REENTRY_REQUIRED") throw error;
        unreadable.push({ table, id: Number(row.id) });
        continue;
      }
      // Same row, same binding: the condition on the envelope skips a row edited meanwhile.
      const sealed = keyring.encrypt(plaintext, aad(row));
      await replaceEnvelope(db, table, column, row.id!, envelope, sealed);
      reencrypted += 1;
    }
  }
  keyring.dropStaleKeys();
  return { newKeyId, reencrypted, unreadable };
}
