declare module "../store/schema.js" {
  interface Database {
    login_throttle: LoginThrottleTable;
    login_devices: LoginDeviceTable;
    first_admin: FirstAdminTable;
  }
}

/** One throttling counter (migration 0402): key `pair:…`, `client:…`, `device:…` or `account:…`. */
export interface LoginThrottleTable {
  key: string;
  /** Failed attempts since the counter was last reset or forgotten (attempts in flight count until they pass). */
  failures: number;
  last_failure_at: string;
  /** No attempt under this key is evaluated before this time (ISO), null when free. */
  blocked_until: string | null;
}

/** A browser that signed in to an account: its attempts are not held by an address-wide lockout. */
export interface LoginDeviceTable {
  /** SHA-256 of the `facteur_device` cookie. */
  token_hash: string;
  /** SHA-256 of the normalised account email. */
  account_hash: string;
  created_at: string;
  expires_at: string;
}

/** The singleton row written with the first admin by first run (id is always 1). */
export interface FirstAdminTable {
  id: number;
  admin_id: number;
  completed_at: string;
}

export {};
