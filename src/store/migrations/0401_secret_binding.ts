import { secretRedactor, type Redactor } from "../../secrets/redact.js";
import { scrubStoredReplies } from "../../secrets/scrub-stored.js";
import { LEGACY_SERVER_PASSWORD_AAD, sealServerPassword } from "../../secrets/server-password.js";
import type { FacteurMigration } from "../migration-kit.js";

/**
 * Server passwords were sealed with the column name as associated data; they are now bound to their row and
 * endpoint (secrets/server-password.ts). Re-seals every stored password for its row's current settings, and
 * scrubs that password from the replies stored before redaction by value (last test results, outbox
 * attempt responses and errors), where a server that echoed its AUTH data had left it.
 *
 * Rows the keyring cannot open with the old associated data (a key no longer configured, a damaged value, or
 * one already re-sealed) are left as they are: using them answers SERVER_PASSWORD_REENTRY_REQUIRED or
 * SECRET_KEY_INVALID, and typing the password again seals it anew. They do not stop the upgrade: a lost key
 * must not keep Facteur from starting, since re-entering the passwords is the way out.
 *
 * A backup taken before this migration carries no binding: restoring one re-binds its passwords to the
 * settings it holds (docs/SECURITY.md).
 */
export const migration: FacteurMigration = {
  async up({ db, keyring }) {
    const rows = (await db
      .selectFrom("smtp_servers")
      .select(["id", "password_enc", "host", "port", "security", "authentication", "username"])
      .where("password_enc", "is not", null)
      .execute()) as Array<{
      id: number;
      password_enc: string;
      host: string;
      port: number;
      security: string;
      authentication: string;
      username: string;
    }>;
    if (rows.length === 0) return;
    if (!keyring) {
      throw new Error(
        "0401_secret_binding : la clé de chiffrement est nécessaire (lancez `facteur migrate`) / needs the keyring (run `facteur migrate`)",
      );
    }
    const passwords = new Map<number, { user: string; password: string }>();
    for (const row of rows) {
      let password: string;
      try {
        password = keyring.decrypt(row.password_enc, LEGACY_SERVER_PASSWORD_AAD);
      } catch {
        continue;
      }
      passwords.set(row.id, { user: row.username, password });
      await db
        .updateTable("smtp_servers")
        .set({ password_enc: sealServerPassword(keyring, row, password) })
        .where("id", "=", row.id)
        .where("password_enc", "=", row.password_enc)
        .execute();
    }
    // Replies stored before redaction by value may hold a password a server echoed: scrubbed now.
    const redactors = new Map<number, Redactor>(); // compiled on demand, a bounded number kept
    await scrubStoredReplies(db, [...passwords.keys()], (id) => {
      const known = redactors.get(id);
      if (known) return known;
      const source = passwords.get(id);
      if (!source) return null;
      if (redactors.size >= 1_000) redactors.clear();
      const redact = secretRedactor(source);
      redactors.set(id, redact);
      return redact;
    });
  },
};
