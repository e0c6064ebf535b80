import type { Generated } from "kysely";
import type { AuthMethod, SecurityMode } from "../domain/ports.js";

/**
 * The database schema as one TypeScript interface. Capabilities add their tables by module augmentation
 * (`declare module "../store/schema.js" { interface Database { … } }`) next to their own migration.
 * Timestamps are ISO-8601 UTC strings (`toISOString()`): identical on SQLite and PostgreSQL, and they sort.
 * Booleans are 0/1 integers for the same reason (`Flag`).
 */
export interface Database {
  departments: DepartmentTable;
  smtp_servers: SmtpServerTable;
  smtp_server_departments: SmtpServerDepartmentTable;
  admins: AdminTable;
  admin_sessions: AdminSessionTable;
  first_run_tokens: FirstRunTokenTable;
  api_keys: ApiKeyTable;
  admin_preferences: AdminPreferenceTable;
}

/** A boolean column: 0 or 1 on both dialects. */
export type Flag = 0 | 1;

export interface DepartmentTable {
  id: Generated<number>;
  name: string;
  /** Lower-case, accent-free name: unique, so "Achat" and "achat" cannot both exist. */
  name_key: string;
  created_at: string;
  updated_at: string;
}

export interface SmtpServerTable {
  id: Generated<number>;
  title: string;
  host: string;
  port: number;
  /** One of AUTH_METHODS: written only through the validated server schemas. */
  authentication: AuthMethod;
  /** One of SECURITY_MODES. */
  security: SecurityMode;
  mail: string;
  sender_name: string;
  username: string;
  /** AES-256-GCM envelope (see secrets/); never clear text. Null when no password is stored. */
  password_enc: string | null;
  /** "all": any department may send through it; "custom": only those in smtp_server_departments. */
  usage_mode: "all" | "custom";
  signature_html: string;
  logo_mime: string | null;
  logo_base64: string | null;
  priority: number;
  confirmation_sent_at: string | null;
  confirmed_at: string | null;
  confirmed_ip: string | null;
  last_test_ok: Flag | null;
  last_test_code: string | null;
  last_test_at: string | null;
  /** Lower-case, accent-free concatenation of the searchable columns: one LIKE instead of five. */
  search_text: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface SmtpServerDepartmentTable {
  server_id: number;
  department_id: number;
}

export interface AdminTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  created_at: string;
}

export interface AdminSessionTable {
  /** SHA-256 of the session cookie value. */
  id_hash: string;
  admin_id: number;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface FirstRunTokenTable {
  token_hash: string;
  expires_at: string;
  used_at: string | null;
}

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  /** First characters of the key, shown in lists so admins can tell keys apart. */
  prefix: string;
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** Comma-separated scopes in canonical order: "send", "send,read", "admin"… (migration 0400). */
  scopes: string;
}

export interface AdminPreferenceTable {
  admin_id: number;
  key: string;
  value_json: string;
  updated_at: string;
}
