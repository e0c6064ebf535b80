import { withId, type FacteurMigration } from "../migration-kit.js";

/** Registry, departments, admins, sessions, API keys. */
export const migration: FacteurMigration = {
  async up(ctx) {
    const { db } = ctx;
    await withId(ctx, db.schema.createTable("departments"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("name_key", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await withId(ctx, db.schema.createTable("smtp_servers"))
      .addColumn("title", "text", (c) => c.notNull())
      .addColumn("host", "text", (c) => c.notNull())
      .addColumn("port", "integer", (c) => c.notNull())
      .addColumn("authentication", "text", (c) => c.notNull())
      .addColumn("security", "text", (c) => c.notNull())
      .addColumn("mail", "text", (c) => c.notNull())
      .addColumn("sender_name", "text", (c) => c.notNull())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("password_enc", "text")
      .addColumn("usage_mode", "text", (c) => c.notNull())
      .addColumn("signature_html", "text", (c) => c.notNull())
      .addColumn("logo_mime", "text")
      .addColumn("logo_base64", "text")
      .addColumn("priority", "integer", (c) => c.notNull())
      .addColumn("confirmation_sent_at", "text")
      .addColumn("confirmed_at", "text")
      .addColumn("confirmed_ip", "text")
      .addColumn("last_test_ok", "integer")
      .addColumn("last_test_code", "text")
      .addColumn("last_test_at", "text")
      .addColumn("search_text", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    // One index per sortable column, with id as tie-breaker, so "sort by X, page N" reads an index.
    for (const column of [
      "title",
      "host",
      "port",
      "authentication",
      "security",
      "mail",
      "sender_name",
      "username",
      "usage_mode",
      "confirmed_at",
    ]) {
      await db.schema
        .createIndex(`smtp_servers_${column}_idx`)
        .on("smtp_servers")
        .columns([column, "id"])
        .execute();
    }

    await db.schema
      .createTable("smtp_server_departments")
      .addColumn("server_id", "integer", (c) => c.notNull().references("smtp_servers.id").onDelete("cascade"))
      .addColumn("department_id", "integer", (c) =>
        c.notNull().references("departments.id").onDelete("restrict"),
      )
      .addPrimaryKeyConstraint("smtp_server_departments_pk", ["server_id", "department_id"])
      .execute();
    await db.schema
      .createIndex("smtp_server_departments_dep_idx")
      .on("smtp_server_departments")
      .column("department_id")
      .execute();

    await withId(ctx, db.schema.createTable("admins"))
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("admin_sessions")
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("admin_id", "integer", (c) => c.notNull().references("admins.id").onDelete("cascade"))
      .addColumn("csrf_token", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("setup_tokens")
      .addColumn("token_hash", "text", (c) => c.primaryKey())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .addColumn("used_at", "text")
      .execute();

    await withId(ctx, db.schema.createTable("api_keys"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("prefix", "text", (c) => c.notNull())
      .addColumn("key_hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("last_used_at", "text")
      .addColumn("revoked_at", "text")
      .execute();

    await db.schema
      .createTable("admin_preferences")
      .addColumn("admin_id", "integer", (c) => c.notNull().references("admins.id").onDelete("cascade"))
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("value_json", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("admin_preferences_pk", ["admin_id", "key"])
      .execute();

    // The seed's services, so "Utilisation par défaut" (Achat, Vente, Production) means something at once.
    const now = new Date().toISOString();
    await db
      .insertInto("departments")
      .values(
        [
          ["Achat", "achat"],
          ["Vente", "vente"],
          ["Production", "production"],
        ].map(([name, key]) => ({ name, name_key: key, created_at: now, updated_at: now })),
      )
      .execute();
  },
};
