import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, type Migration } from "kysely";
import pg from "pg";
import { createContext, type AppContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { loadConfig } from "../../src/config/config.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";

/** PostgreSQL used by benchmarks: FACTEUR_BENCH_PG_URL, else the test database of CI. */
export const BENCH_PG_URL =
  process.env.FACTEUR_BENCH_PG_URL ??
  process.env.FACTEUR_TEST_PG_URL ??
  "postgres://postgres@127.0.0.1:5432/test";

export type BenchStore = "sqlite" | "postgres";

export interface BenchContext {
  ctx: AppContext;
  dispose(): Promise<void>;
}

async function pgAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Runs the app's migrations with Kysely's bookkeeping tables pinned to the benchmark schema. The app's
 * `migrateToLatest` leaves that schema unset, and Kysely then looks for `kysely_migration_lock` in every
 * schema of the database: while another process has one (parallel tests), it skips creating its own and
 * fails with "relation kysely_migration_lock does not exist".
 */
async function migrate(ctx: AppContext, schema: string | undefined): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, migration] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => migration.up({ db, dialect: ctx.dialect }) };
  }
  const migrator = new Migrator({
    db: ctx.db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}

/** A migrated context on an empty database: a temp SQLite file, or a fresh PostgreSQL schema dropped after. */
export async function createBenchContext(kind: BenchStore): Promise<BenchContext> {
  const dir = mkdtempSync(join(tmpdir(), "facteur-bench-"));
  const schema = kind === "postgres" ? `bench_${randomBytes(5).toString("hex")}` : undefined;
  if (schema) await pgAdmin(`CREATE SCHEMA ${schema}`);
  const config = loadConfig({
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DATABASE_URL: schema ? BENCH_PG_URL : `sqlite:${join(dir, "facteur.db")}`,
    FACTEUR_LOG_LEVEL: "silent",
    FACTEUR_WORKER: "off",
    // Benchmarks reach their own servers on loopback, unthrottled (test/helpers/targets.ts has the same).
    FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*,[::1]:*",
    FACTEUR_TARGET_RATE: "0",
    FACTEUR_TARGET_RATE_PER_TARGET: "0",
    FACTEUR_TARGET_PORTS_PER_HOST: "0",
  });
  const ctx = await createContext(config, {
    logger: createLogger("silent"),
    migrate: false,
    ...(schema ? { pgSchema: schema } : {}),
  });
  await migrate(ctx, schema);
  return {
    ctx,
    async dispose() {
      await ctx.close();
      if (schema) await pgAdmin(`DROP SCHEMA ${schema} CASCADE`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
