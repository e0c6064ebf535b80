import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrateToLatest } from "../../src/store/migrate.js";
import { STORE_KINDS } from "../helpers/context.js";
import { migrateOnly, openEmptyStore } from "../helpers/migrations.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

describe.each(STORE_KINDS)("migration 0404_first_run_tokens on %s", (kind) => {
  it("renames setup_tokens to first_run_tokens and keeps a pending link valid", async () => {
    const store = await openEmptyStore(kind, cleanups);
    await migrateOnly(store, (name) => name !== "0404_first_run_tokens");
    const later = new Date(Date.now() + 3_600_000).toISOString();
    await sql`insert into setup_tokens (token_hash, expires_at, used_at) values ('h1', ${later}, null)`.execute(
      store.db,
    );
    expect(await migrateToLatest(store)).toEqual(["0404_first_run_tokens"]);
    const rows = await sql<{ token_hash: string }>`select token_hash from first_run_tokens`.execute(store.db);
    expect(rows.rows.map((r) => r.token_hash)).toEqual(["h1"]);
    await expect(sql`select token_hash from setup_tokens`.execute(store.db)).rejects.toThrow();
  });
});
