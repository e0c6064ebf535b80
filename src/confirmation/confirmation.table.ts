declare module "../store/schema.js" {
  interface Database {
    confirmation_tokens: ConfirmationTokenTable;
  }
}

export interface ConfirmationTokenTable {
  /** SHA-256 of the token in the link: a database leak does not leak usable links. */
  token_hash: string;
  server_id: number;
  /** Hash of the settings the mail proved (host, port, security, user, password, mail): an edit voids the link. */
  settings_fingerprint: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_ip: string | null;
}
