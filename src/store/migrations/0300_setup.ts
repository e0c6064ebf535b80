import { withId, type FacteurMigration } from "../migration-kit.js";

/**
 * Tables of client setup: the mail domains an admin serves and their servers (account profiles).
 * Declared for Kysely in `src/setup/domains/domain.table.ts`.
 */
export const migration: FacteurMigration = {
  async up(ctx) {
    const { db } = ctx;
    await withId(ctx, db.schema.createTable("mail_domains"))
      .addColumn("name", "text", (c) => c.notNull().unique())
      .addColumn("display_name", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await withId(ctx, db.schema.createTable("mail_domain_servers"))
      .addColumn("domain_id", "integer", (c) => c.notNull().references("mail_domains.id").onDelete("cascade"))
      .addColumn("direction", "text", (c) => c.notNull()) // incoming | outgoing
      .addColumn("protocol", "text", (c) => c.notNull()) // imap | pop3 | smtp
      .addColumn("host", "text", (c) => c.notNull())
      .addColumn("port", "integer", (c) => c.notNull())
      .addColumn("security", "text", (c) => c.notNull())
      .addColumn("authentication", "text", (c) => c.notNull())
      .addColumn("username_form", "text", (c) => c.notNull())
      .addColumn("username_template", "text")
      // Id of a registry SMTP server (table smtp_servers); kept as a plain id so deleting a registry
      // server never deletes a published profile.
      .addColumn("registry_server_id", "integer")
      .addColumn("position", "integer", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("mail_domain_servers_domain_idx")
      .on("mail_domain_servers")
      .columns(["domain_id", "position"])
      .execute();
  },
};
