import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
  type Transaction,
} from "kysely";
import pg from "pg";
import { secureDirectory, secureSqliteFiles } from "./file-modes.js";
import type { Database } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

/** What repository functions take first: the database, or the transaction their caller (a service) opened. */
export type Db = Kysely<Database> | Transaction<Database>;

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

const SQLITE_BUSY_TIMEOUT_MS = 5_000; // several processes (web + workers) may share one SQLite file
const SQLITE_STATEMENT_CACHE = 512; // distinct SQL texts kept prepared (Kysely emits one per query shape)
const PG_POOL_SIZE = 10; // per process; PostgreSQL's default max_connections is 100

/**
 * Kysely's SQLite driver prepares every query anew; compiling the SQL costed a fifth of the worker's CPU in
 * bench/sending. Same SQL text → same prepared statement (least recently used evicted). A statement still
 * being iterated (streamed query) is busy and cannot run again, so a fresh one serves the overlapping call.
 */
export function withStatementCache(
  sqlite: BetterSqlite3.Database,
  max = SQLITE_STATEMENT_CACHE,
): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => {
      cache.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        cache.delete(sql); // re-inserted below: Map order is recency order
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > max) cache.delete(cache.keys().next().value as string);
      }
      return statement;
    },
  };
}

/**
 * Every SQLite transaction starts with `BEGIN IMMEDIATE` (Kysely sends a plain `BEGIN`): the write lock is taken
 * at once, waiting up to the busy timeout. A plain `BEGIN` starts as a reader, and a reader that then writes
 * fails at once with SQLITE_BUSY if another process committed meanwhile, whatever the busy timeout (WAL
 * snapshot rule). With a web and a worker process on one file that answered 500 under load (crash suite).
 * Facteur's transactions all write, so nothing is lost by taking the lock first.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

/** Opens the store named by a database URL: `sqlite:<path>`, `sqlite::memory:` or `postgres://…`. */
export function openStore(databaseUrl: string, options: { pgSchema?: string } = {}): Store {
  if (databaseUrl.startsWith("postgres://") || databaseUrl.startsWith("postgresql://")) {
    // Counts (bigint) come back as strings by default; ours stay far below 2^53.
    pg.types.setTypeParser(20, (value: string) => Number.parseInt(value, 10));
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: PG_POOL_SIZE,
      ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", close: () => db.destroy() };
  }
  if (databaseUrl.startsWith("sqlite:")) {
    const path = databaseUrl.slice("sqlite:".length);
    if (path !== ":memory:") {
      secureDirectory(dirname(path));
      secureSqliteFiles(path); // 0600 before SQLite opens it: its -wal and -shm inherit the mode
    }
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL"); // WAL + NORMAL: durable across process crashes, not power loss
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    const dialect: Dialect = new ImmediateSqliteDialect({ database: withStatementCache(sqlite) });
    const db = new Kysely<Database>({ dialect });
    return { db, dialect: "sqlite", close: () => db.destroy() };
  }
  throw new Error(
    `FACTEUR_DATABASE_URL inconnue / unknown database URL: use sqlite:<path> or postgres://… (got "${databaseUrl.replace(/\/\/[^@]*@/, "//***@")}")`,
  );
}
