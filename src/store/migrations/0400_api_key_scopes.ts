import { sql, type FacteurMigration } from "../migration-kit.js";

/**
 * API keys get scopes (send, read, admin). Keys issued before this migration were admin-equivalent; they become
 * `send` only — the least that keeps an application sending and following its messages — so an old key that
 * leaked can no longer read or change the registry, manage keys or run diagnostics. An admin who needs more
 * creates a new key with the scopes it needs (docs/SECURITY.md).
 */
export const migration: FacteurMigration = {
  async up(ctx) {
    await sql`alter table api_keys add column scopes text not null default 'send'`.execute(ctx.db);
  },
};
