import BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** Whether the database answers a trivial query (readiness); throws when it does not. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** SQLite only: a transactionally consistent copy of the open database into `file` (which must be empty). */
export async function vacuumInto(db: Kysely<Database>, file: string): Promise<void> {
  await sql`vacuum into ${file}`.execute(db);
}

/** PostgreSQL only: the schema Facteur's tables live in (its search_path), `public` by default. */
export async function currentSchema(db: Kysely<Database>): Promise<string> {
  const result = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return result.rows[0]?.schema ?? "public";
}

/** Throws unless `file` is a SQLite database with Facteur's servers table (opened read-only, then closed). */
export function assertFacteurSqliteFile(file: string): void {
  const probe = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    probe.prepare("select count(*) from smtp_servers").get();
  } finally {
    probe.close();
  }
}
