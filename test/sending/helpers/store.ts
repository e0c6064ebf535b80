import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createContext, type ContextOptions } from "../../../src/app/context.js";
import { createLogger } from "../../../src/app/logger.js";
import { loadConfig, type Config } from "../../../src/config/config.js";
import { createTestContext, TEST_PG_URL, type StoreKind, type TestContext } from "../../helpers/context.js";
import { LOOPBACK_TARGETS_ENV } from "../../helpers/targets.js";

/**
 * createTestContext, made safe against a Kysely race on PostgreSQL: its Migrator looks for its lock table in
 * *every* schema, so while another test file's schema exists it skips creating the table in ours and then
 * fails ("relation kysely_migration_lock does not exist"). Pre-creating both Kysely tables in our schema avoids
 * it until src/store/migrate.ts passes `migrationTableSchema` (fix proposed to the lead).
 */
export async function createIsolatedTestContext(
  kind: StoreKind,
  options: ContextOptions & { config?: Partial<Config> } = {},
): Promise<TestContext> {
  if (kind === "sqlite") return createTestContext(kind, options);
  const dir = mkdtempSync(join(tmpdir(), "facteur-test-"));
  const pgSchema = `t_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${pgSchema}`);
  await client.query(
    `CREATE TABLE ${pgSchema}.kysely_migration (name varchar(255) NOT NULL PRIMARY KEY, timestamp varchar(255) NOT NULL)`,
  );
  await client.query(
    `CREATE TABLE ${pgSchema}.kysely_migration_lock (id varchar(255) NOT NULL PRIMARY KEY, is_locked integer NOT NULL DEFAULT 0)`,
  );
  await client.query(
    `INSERT INTO ${pgSchema}.kysely_migration_lock (id, is_locked) VALUES ('migration_lock', 0)`,
  );
  await client.end();
  const config = loadConfig(
    {
      FACTEUR_DATA_DIR: dir,
      FACTEUR_DATABASE_URL: TEST_PG_URL,
      FACTEUR_LOG_LEVEL: "silent",
      FACTEUR_WORKER: "off",
      ...LOOPBACK_TARGETS_ENV,
    },
    options.config ?? {},
  );
  const ctx = await createContext(config, {
    logger: options.logger ?? createLogger("silent"),
    pgSchema,
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    ctx,
    config,
    dir,
    pgSchema,
    async dispose() {
      await ctx.close();
      const drop = new pg.Client({ connectionString: TEST_PG_URL });
      await drop.connect();
      await drop.query(`DROP SCHEMA ${pgSchema} CASCADE`);
      await drop.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
