import { withId, type FacteurMigration } from "../migration-kit.js";

/**
 * Tables of diagnostics: each server's last full test result, and bulk test runs with their items.
 * Declared in TypeScript by src/diagnostics/diagnostics.table.ts. Bulk state lives here, not in memory,
 * so any web instance can stream a run's progress (the run itself executes in the instance that started it).
 */
export const migration: FacteurMigration = {
  async up(ctx) {
    const { db } = ctx;
    await db.schema
      .createTable("diagnostic_last_results")
      .addColumn("server_id", "integer", (c) =>
        c.primaryKey().references("smtp_servers.id").onDelete("cascade"),
      )
      .addColumn("ok", "integer", (c) => c.notNull())
      .addColumn("code", "text")
      .addColumn("tested_at", "text", (c) => c.notNull())
      .addColumn("duration_ms", "integer", (c) => c.notNull())
      .addColumn("result_json", "text", (c) => c.notNull())
      .execute();

    await withId(ctx, db.schema.createTable("diagnostic_bulk_runs"))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("total", "integer", (c) => c.notNull())
      .addColumn("done_count", "integer", (c) => c.notNull())
      .addColumn("ok_count", "integer", (c) => c.notNull())
      .addColumn("concurrency", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .execute();

    await withId(ctx, db.schema.createTable("diagnostic_bulk_items"))
      .addColumn("run_id", "integer", (c) =>
        c.notNull().references("diagnostic_bulk_runs.id").onDelete("cascade"),
      )
      .addColumn("server_id", "integer", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("ok", "integer")
      .addColumn("code", "text")
      .addColumn("duration_ms", "integer")
      .addColumn("finished_at", "text")
      .addColumn("finished_seq", "integer")
      .execute();
    // The event stream reads "items of run R finished after cursor N", in finishing order.
    await db.schema
      .createIndex("diagnostic_bulk_items_run_seq_idx")
      .on("diagnostic_bulk_items")
      .columns(["run_id", "finished_seq"])
      .execute();
  },
};
