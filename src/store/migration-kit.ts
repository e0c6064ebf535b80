import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely } from "kysely";
import type { Keyring } from "../secrets/keyring.js";

/** What every migration receives: the database and which dialect it speaks. */
export interface MigrationContext {
  // Migrations work on tables that may not match the current interface; Kysely's own docs use any here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  db: Kysely<any>;
  dialect: "sqlite" | "postgres";
  /** The process's keyring, for migrations that re-encrypt stored secrets (0401_secret_binding). */
  keyring?: Keyring | undefined;
}

export interface FacteurMigration {
  up(ctx: MigrationContext): Promise<void>;
}

/** An auto-incrementing integer primary key on both dialects. */
export function withId<T extends string>(
  ctx: MigrationContext,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, "id"> {
  if (ctx.dialect === "postgres") {
    return table.addColumn("id", "serial", (c) => c.primaryKey());
  }
  return table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

/** A large binary-safe text column (base64, HTML…). */
export const textType = "text" as const;

export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();

export { sql };
