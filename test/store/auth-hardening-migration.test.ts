import { migrateOnly, openEmptyStore } from "../helpers/migrations.js";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Store } from "../../src/store/db.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { STORE_KINDS } from "../helpers/context.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The database as the previous release left it: every migration before 0402. */
async function before0402(store: Store) {
  await migrateOnly(store, (name) => name < "0402_auth_hardening");
}

describe.each(STORE_KINDS)("migration 0402_auth_hardening on %s", (kind) => {
  it("marks first-run setup done where an admin exists, and voids setup links left by earlier starts", async () => {
    const store = await openEmptyStore(kind, cleanups);
    await before0402(store);
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
    expect((await sql`select token_hash from first_run_tokens`.execute(store.db)).rows).toEqual([]);
    // The singleton cannot take a second row, whatever its id.
    await expect(
      sql`insert into first_admin (id, admin_id, completed_at) values (1, 2, ${now})`.execute(store.db),
    ).rejects.toThrow();
    await expect(
      sql`insert into first_admin (id, admin_id, completed_at) values (2, 2, ${now})`.execute(store.db),
    ).rejects.toThrow();
  });

  it("leaves a database without admin open for first-run setup", async () => {
    const store = await openEmptyStore(kind, cleanups);
    await before0402(store);
    await migrateToLatest(store);
    expect((await sql`select id from first_admin`.execute(store.db)).rows).toEqual([]);
  });
});
