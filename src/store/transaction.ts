import { sql, type Kysely } from "kysely";
import type { DialectName } from "./db.js";
import type { Database } from "./schema.js";

/**
 * A transaction that will write. On SQLite it starts with `BEGIN IMMEDIATE`, which takes the write lock at
 * once (waiting up to the busy timeout): a plain `BEGIN` starts as a reader, and a reader that wants to write
 * after another process committed fails at once with SQLITE_BUSY, whatever the busy timeout (WAL snapshot
 * rule). With a web and a worker process on one file that answered 5xx under load (crash suite). PostgreSQL:
 * an ordinary transaction.
 */
export async function writeTransaction<T>(
  db: Kysely<Database>,
  dialect: DialectName,
  work: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (dialect === "postgres") return db.transaction().execute(work);
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {});
      throw error;
    }
  });
}
