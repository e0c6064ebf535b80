import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createContext, type AppContext, type ContextOptions } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import { LOOPBACK_TARGETS_ENV } from "./targets.js";

/** PostgreSQL of the machine (CI has it at 127.0.0.1:5432, trust auth, database `test`). */
export const TEST_PG_URL = process.env.FACTEUR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type StoreKind = "sqlite" | "postgres";
/** Every storage test runs on both; neither is ever skipped (a missing PostgreSQL fails the run). */
export const STORE_KINDS: StoreKind[] = ["sqlite", "postgres"];

export interface TestContext {
  ctx: AppContext;
  config: Config;
  dir: string;
  /** Schema name on PostgreSQL (isolates parallel test files), undefined on SQLite. */
  pgSchema: string | undefined;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated Facteur context on an empty database of the given kind: a temp SQLite file,
 * or a new PostgreSQL schema dropped on dispose.
 */
export async function createTestContext(
  kind: StoreKind,
  options: ContextOptions & { config?: Partial<Config> } = {},
): Promise<TestContext> {
  const dir = mkdtempSync(join(tmpdir(), "facteur-test-"));
  let pgSchema: string | undefined;
  let databaseUrl = `sqlite:${join(dir, "facteur.db")}`;
  if (kind === "postgres") {
    pgSchema = `t_${randomBytes(6).toString("hex")}`;
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${pgSchema}`);
    await client.end();
    databaseUrl = TEST_PG_URL;
  }
  const config = loadConfig(
    {
      FACTEUR_DATA_DIR: dir,
      FACTEUR_DATABASE_URL: databaseUrl,
      FACTEUR_LOG_LEVEL: "silent",
      FACTEUR_WORKER: "off",
      // The suite's mail servers listen on loopback, random ports: test/helpers/targets.ts.
      ...LOOPBACK_TARGETS_ENV,
    },
    options.config ?? {},
  );
  const ctx = await createContext(config, {
    logger: options.logger ?? createLogger("silent"),
    ...(pgSchema ? { pgSchema } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    ctx,
    config,
    dir,
    pgSchema,
    async dispose() {
      await ctx.close();
      if (pgSchema) {
        const client = new pg.Client({ connectionString: TEST_PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA ${pgSchema} CASCADE`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
