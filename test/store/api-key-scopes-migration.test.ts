import { migrateOnly, openEmptyStore } from "../helpers/migrations.js";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { hashToken } from "../../src/auth/tokens.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { STORE_KINDS } from "../helpers/context.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(STORE_KINDS)("migration 0400_api_key_scopes on %s", (kind) => {
  it("gives keys issued before scopes existed the send scope only", async () => {
    const store = await openEmptyStore(kind, cleanups);
    await migrateOnly(store, (name) => name < "0400");
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
