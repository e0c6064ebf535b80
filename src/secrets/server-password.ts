import { FacteurError, isFacteurError } from "../domain/errors.js";
import type { PasswordBinding } from "../domain/secret-binding.js";
import type { Keyring } from "./keyring.js";

/** The associated data of envelopes sealed before 0401_secret_binding: the column only. */
export const LEGACY_SERVER_PASSWORD_AAD = "smtp_servers.password";

/** A server row as far as its password's binding goes. */
export type ServerPasswordBinding = PasswordBinding & { id: number };

/**
 * The associated data of a server password envelope: the column, the server id and every setting that decides
 * where the password is sent. A JSON array is an unambiguous encoding (no separator a host or a username
 * could contain). An envelope moved to another row, or a row whose host, port, security, authentication or
 * username was changed behind Facteur's back (SQL, an edited backup), no longer decrypts: the password can
 * only ever reach the endpoint it was entered for.
 */
export function serverPasswordAad(row: ServerPasswordBinding): string {
  return JSON.stringify([
    "facteur.secret.v2",
    "smtp_servers.password_enc",
    row.id,
    row.host,
    row.port,
    row.security,
    row.authentication,
    row.username,
  ]);
}

export function sealServerPassword(keyring: Keyring, row: ServerPasswordBinding, password: string): string {
  return keyring.encrypt(password, serverPasswordAad(row));
}

/**
 * Decrypts a server password for the row's current settings. A known key that does not open the envelope
 * means the binding no longer matches: SERVER_PASSWORD_REENTRY_REQUIRED (409), the password must be typed
 * again. An unknown key stays SECRET_KEY_INVALID (a keyring problem, not a moved record).
 */
export function openServerPassword(keyring: Keyring, row: ServerPasswordBinding, envelope: string): string {
  try {
    return keyring.decrypt(envelope, serverPasswordAad(row));
  } catch (error) {
    if (isFacteurError(error) && keyring.knowsKeyOf(envelope)) {
      throw new FacteurError("SERVER_PASSWORD_REENTRY_REQUIRED", {
        meta: { serverId: row.id },
        cause: error,
      });
    }
    throw error;
  }
}
