import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BatchCommit } from "../../src/sending/batch-commit.js";
import type { Database } from "../../src/store/schema.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";

describe.each(STORE_KINDS)("BatchCommit on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext(kind);
  });
  afterEach(async () => {
    await t.dispose();
  });

  const now = "2026-11-23T10:00:00.000Z";
  function writer(batches: number[]) {
    return async (trx: Kysely<Database>, names: string[]) => {
      batches.push(names.length);
      const ids: number[] = [];
      for (const name of names) {
        const row = await trx
          .insertInto("departments")
          .values({ name, name_key: name.toLowerCase(), created_at: now, updated_at: now })
          .returning("id")
          .executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      return ids;
    };
  }

  it("commits items that arrive together in one transaction, each caller getting its own result", async () => {
    const batches: number[] = [];
    const commit = new BatchCommit(t.ctx.db, writer(batches));
    const names = Array.from({ length: 10 }, (_, i) => `Service ${i}`);
    const ids = await Promise.all(names.map((name) => commit.run(name)));
    expect(batches).toEqual([10]);
    const stored = await t.ctx.db
      .selectFrom("departments")
      .select(["id", "name"])
      .where("id", "in", ids)
      .execute();
    expect(new Map(stored.map((r) => [r.id, r.name]))).toEqual(new Map(ids.map((id, i) => [id, names[i]])));
  });

  it("fails only the bad item of a batch: its neighbours are retried alone and committed", async () => {
    const batches: number[] = [];
    const commit = new BatchCommit(t.ctx.db, writer(batches));
    const results = await Promise.allSettled(
      ["Logistique", "Achat" /* exists: unique name_key */, "Qualité"].map((name) => commit.run(name)),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(batches).toEqual([3, 1, 1, 1]);
    const names = (await t.ctx.db.selectFrom("departments").select("name").execute()).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["Logistique", "Qualité"]));
    expect(names.filter((n) => n === "Achat")).toHaveLength(1);
  });

  it("keeps batches within maxBatch and runs up to `parallel` of them at once", async () => {
    const batches: number[] = [];
    let open = 0;
    let maxOpen = 0;
    const commit = new BatchCommit(
      t.ctx.db,
      async (trx, names: string[]) => {
        open++;
        maxOpen = Math.max(maxOpen, open);
        try {
          return await writer(batches)(trx, names);
        } finally {
          open--;
        }
      },
      { maxBatch: 4, parallel: kind === "postgres" ? 2 : 1 },
    );
    await Promise.all(Array.from({ length: 10 }, (_, i) => commit.run(`Atelier ${i}`)));
    expect(Math.max(...batches)).toBeLessThanOrEqual(4);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(10);
    expect(maxOpen).toBeLessThanOrEqual(kind === "postgres" ? 2 : 1);
  });
});
