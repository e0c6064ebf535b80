import { withId, type FacteurMigration } from "../migration-kit.js";

/**
 * Tables of sending (outbox, attempts) and confirmation tokens.
 * Declared in TypeScript by src/sending/outbox.table.ts and src/confirmation/confirmation.table.ts.
 */
export const migration: FacteurMigration = {
  async up(ctx) {
    const { db } = ctx;
    await withId(ctx, db.schema.createTable("outbox_messages"))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("due_at", "text", (c) => c.notNull())
      .addColumn("claimed_by", "text")
      .addColumn("department_id", "integer")
      .addColumn("server_id", "integer")
      .addColumn("pinned_server_id", "integer")
      .addColumn("from_address", "text")
      .addColumn("from_name", "text")
      .addColumn("reply_to", "text")
      .addColumn("to_json", "text", (c) => c.notNull())
      .addColumn("cc_json", "text", (c) => c.notNull())
      .addColumn("bcc_json", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("text_body", "text")
      .addColumn("html_body", "text")
      .addColumn("attachments_json", "text")
      .addColumn("size_bytes", "integer", (c) => c.notNull())
      .addColumn("recipients_search", "text", (c) => c.notNull())
      .addColumn("idempotency_scope", "text")
      .addColumn("idempotency_key", "text")
      .addColumn("request_hash", "text")
      .addColumn("attempt_count", "integer", (c) => c.notNull())
      .addColumn("last_server_id", "integer")
      .addColumn("last_error", "text")
      .addColumn("smtp_message_id", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("sent_at", "text")
      .execute();
    // The claim query reads this index: due messages in due order.
    await db.schema
      .createIndex("outbox_messages_due_idx")
      .on("outbox_messages")
      .columns(["status", "due_at"])
      .execute();
    await db.schema
      .createIndex("outbox_messages_idempotency_idx")
      .on("outbox_messages")
      .columns(["idempotency_scope", "idempotency_key"])
      .unique()
      .execute();
    await db.schema
      .createIndex("outbox_messages_created_idx")
      .on("outbox_messages")
      .columns(["created_at", "id"])
      .execute();

    await withId(ctx, db.schema.createTable("outbox_attempts"))
      .addColumn("message_id", "integer", (c) =>
        c.notNull().references("outbox_messages.id").onDelete("cascade"),
      )
      .addColumn("server_id", "integer")
      .addColumn("worker_id", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("stage", "text")
      .addColumn("error_code", "text")
      .addColumn("response_code", "integer")
      .addColumn("response", "text")
      .addColumn("started_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("outbox_attempts_message_idx")
      .on("outbox_attempts")
      .columns(["message_id", "id"])
      .execute();
    await db.schema
      .createIndex("outbox_attempts_server_idx")
      .on("outbox_attempts")
      .columns(["server_id", "outcome"])
      .execute();

    await db.schema
      .createTable("confirmation_tokens")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("server_id", "integer", (c) => c.notNull().references("smtp_servers.id").onDelete("cascade"))
      .addColumn("settings_fingerprint", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("used_at", "text")
      .addColumn("used_ip", "text")
      .execute();
    await db.schema
      .createIndex("confirmation_tokens_server_idx")
      .on("confirmation_tokens")
      .columns(["server_id", "created_at"])
      .execute();
  },
};
