import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, sql, type Migration } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.js";
import { openStore, type Store } from "../../src/store/db.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { STORE_KINDS, TEST_PG_URL, type StoreKind } from "../helpers/context.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function openEmpty(kind: StoreKind): Promise<Store> {
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

describe.each(STORE_KINDS)("migration 0400_api_key_scopes on %s", (kind) => {
  it("gives keys issued before scopes existed the send scope only", async () => {
    const store = await openEmpty(kind);
    const before = Object.entries(MIGRATIONS).filter(([name]) => name < "0400");
    const schema =
      kind === "postgres"
        ? (await sql<{ s: string }>`select current_schema() as s`.execute(store.db)).rows[0]!.s
        : undefined;
    const { error } = await new Migrator({
      db: store.db,
      allowUnorderedMigrations: true,
      ...(schema ? { migrationTableSchema: schema } : {}),
      provider: {
        getMigrations: async () =>
          Object.fromEntries(
            before.map(([name, m]): [string, Migration] => [
              name,
              { up: (db) => m.up({ db, dialect: store.dialect }) },
            ]),
          ),
      },
    }).migrateToLatest();
    expect(error).toBeUndefined();
    // A key the previous release issued: admin-equivalent back then.
    await sql`insert into api_keys (name, prefix, key_hash, created_at)
      values ('erp', 'fct_old', ${hashToken("fct_old-key")}, '2026-01-01T00:00:00.000Z')`.execute(store.db);

    expect(await migrateToLatest(store)).toContain("0400_api_key_scopes");
    const rows = (
      await sql<{ name: string; scopes: string }>`select name, scopes from api_keys`.execute(store.db)
    ).rows;
    expect(rows).toEqual([{ name: "erp", scopes: "send" }]);
  });
});
