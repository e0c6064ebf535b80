import { sql, type FacteurMigration } from "../migration-kit.js";

/**
 * Which API key queued each message, so a key without the `admin` scope lists and reads only its own messages
 * (recipients, subjects and SMTP replies of other applications stay hidden). Messages queued before this
 * migration, by an admin session or by the CLI keep a null key: only admins see them. No foreign key (keys are
 * revoked, never deleted, and the enqueue insert stays one plain integer). The partial index serves the
 * per-key list (newest first) without weighing on messages queued by admins; both databases use it for
 * `api_key_id = ?`, which implies the index's condition.
 */
export const migration: FacteurMigration = {
  async up({ db }) {
    await db.schema.alterTable("outbox_messages").addColumn("api_key_id", "integer").execute();
    await sql`create index outbox_messages_api_key_idx on outbox_messages (api_key_id, id)
      where api_key_id is not null`.execute(db);
  },
};
