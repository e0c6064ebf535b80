import { sql, type FacteurMigration } from "../migration-kit.js";

/**
 * Login throttling shared by every web process (failures per account × client, per client, per account),
 * the device cookies that let a known browser through an address-wide lockout, and the first-admin singleton
 * that makes first-run setup create exactly one admin whatever the concurrency. Declared for Kysely in
 * `src/auth/auth.table.ts`.
 */
export const migration: FacteurMigration = {
  async up({ db }) {
    await db.schema
      .createTable("login_throttle")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("failures", "integer", (c) => c.notNull())
      .addColumn("last_failure_at", "text", (c) => c.notNull())
      .addColumn("blocked_until", "text")
      .execute();
    await db.schema
      .createIndex("login_throttle_last_failure_idx")
      .on("login_throttle")
      .column("last_failure_at")
      .execute();

    await db.schema
      .createTable("login_devices")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("account_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();

    // At most one row, ever: the primary key is fixed to 1, so a second first-run setup fails in the database.
    await db.schema
      .createTable("first_admin")
      .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn("admin_id", "integer", (c) => c.notNull())
      .addColumn("completed_at", "text", (c) => c.notNull())
      .execute();
    // A database that already has an admin has finished its first run: setup links can never work again.
    await sql`insert into first_admin (id, admin_id, completed_at)
      select 1, min(id), ${new Date().toISOString()} from admins having count(*) > 0`.execute(db);
    // Links printed by earlier starts were never invalidated by a restart: drop them all.
    await sql`delete from setup_tokens`.execute(db); // renamed first_run_tokens by 0404
  },
};
