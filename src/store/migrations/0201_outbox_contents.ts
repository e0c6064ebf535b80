import { sql, type FacteurMigration } from "../migration-kit.js";

/**
 * Message bodies move out of `outbox_messages` into `outbox_contents`. A worker rewrites a message row twice
 * (claim, settle): with the bodies inline, each rewrite copied kilobytes of text into the WAL and its
 * checkpoint; the state row (now with an attachment count for the Messages list) is now a few hundred bytes and the bodies are written once and only read.
 */
export const migration: FacteurMigration = {
  async up(ctx) {
    const { db } = ctx;
    await db.schema
      .createTable("outbox_contents")
      .addColumn("message_id", "integer", (c) =>
        c.primaryKey().notNull().references("outbox_messages.id").onDelete("cascade"),
      )
      .addColumn("text_body", "text")
      .addColumn("html_body", "text")
      .addColumn("attachments_json", "text")
      .execute();
    await sql`
      insert into outbox_contents (message_id, text_body, html_body, attachments_json)
      select id, text_body, html_body, attachments_json from outbox_messages`.execute(db);
    // The Messages list shows how many files a message carries without reading them.
    await db.schema
      .alterTable("outbox_messages")
      .addColumn("attachment_count", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    const count =
      ctx.dialect === "postgres"
        ? sql`json_array_length(attachments_json::json)`
        : sql`json_array_length(attachments_json)`;
    await sql`update outbox_messages set attachment_count = ${count} where attachments_json is not null`.execute(
      db,
    );
    for (const column of ["text_body", "html_body", "attachments_json"])
      await db.schema.alterTable("outbox_messages").dropColumn(column).execute();
  },
};
