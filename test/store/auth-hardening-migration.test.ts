import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator, sql, type Migration } from "kysely";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
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

/** The database as the previous release left it: every migration but 0402, with `setup` rows of its own. */
async function before0402(store: Store, kind: StoreKind) {
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
          Object.entries(MIGRATIONS)
            .filter(([name]) => name !== "0402_auth_hardening")
            .map(([name, m]): [string, Migration] => [
              name,
              { up: (db) => m.up({ db, dialect: store.dialect }) },
            ]),
        ),
    },
  }).migrateToLatest();
  expect(error).toBeUndefined();
}

describe.each(STORE_KINDS)("migration 0402_auth_hardening on %s", (kind) => {
  it("marks first-run setup done where an admin exists, and voids setup links left by earlier starts", async () => {
    const store = await openEmpty(kind);
    await before0402(store, kind);
    const now = new Date().toISOString();
    await sql`insert into admins (email, password_hash, created_at) values ('a@exemple.fr', 'x', ${now})`.execute(
      store.db,
    );
    const later = new Date(Date.now() + 3_600_000).toISOString();
    for (const hash of ["h1", "h2"])
      await sql`insert into setup_tokens (token_hash, expires_at, used_at) values (${hash}, ${later}, null)`.execute(
        store.db,
      );
    expect(await migrateToLatest(store)).toContain("0402_auth_hardening");
    const first = await sql<{ id: number }>`select id from first_admin`.execute(store.db);
    expect(first.rows.map((r) => Number(r.id))).toEqual([1]);
    expect((await sql`select token_hash from setup_tokens`.execute(store.db)).rows).toEqual([]);
    // The singleton cannot take a second row, whatever its id.
    await expect(
      sql`insert into first_admin (id, admin_id, completed_at) values (1, 2, ${now})`.execute(store.db),
    ).rejects.toThrow();
    await expect(
      sql`insert into first_admin (id, admin_id, completed_at) values (2, 2, ${now})`.execute(store.db),
    ).rejects.toThrow();
  });

  it("leaves a database without admin open for first-run setup", async () => {
    const store = await openEmpty(kind);
    await before0402(store, kind);
    await migrateToLatest(store);
    expect((await sql`select id from first_admin`.execute(store.db)).rows).toEqual([]);
  });
});
