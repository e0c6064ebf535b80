import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, sql, type Migration } from "kysely";
import pg from "pg";
import { openStore, type Store } from "../../src/store/db.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { TEST_PG_URL, type StoreKind } from "./context.js";

/**
 * An empty, unmigrated store of the given kind (a temp SQLite file, or a new PostgreSQL schema); its cleanup is
 * pushed onto `cleanups` (close, then delete the file or drop the schema).
 */
export async function openEmptyStore(kind: StoreKind, cleanups: Array<() => Promise<void>>): Promise<Store> {
  if (kind === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "facteur-migration-"));
    const store = openStore(`sqlite:${join(dir, "facteur.db")}`);
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return store;
  }
  const schema = `m_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  const store = openStore(TEST_PG_URL, { pgSchema: schema });
  cleanups.push(async () => {
    await store.close();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  });
  return store;
}

/**
 * Applies only the migrations whose name `keep` accepts: the database as an earlier release left it, before the
 * migration under test (`migrateToLatest` then runs the rest, as an upgrade would). Throws on a failed step.
 */
export async function migrateOnly(store: Store, keep: (name: string) => boolean): Promise<void> {
  const schema =
    store.dialect === "postgres"
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s
      : undefined;
  const { error } = await new Migrator({
    db: store.db,
    allowUnorderedMigrations: true,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          Object.entries(MIGRATIONS)
            .filter(([name]) => keep(name))
            .map(([name, m]): [string, Migration] => [
              name,
              { up: (db) => m.up({ db, dialect: store.dialect }) },
            ]),
        ),
    },
  }).migrateToLatest();
  if (error) throw error;
}
