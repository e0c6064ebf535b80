import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimDueMessages } from "../../src/sending/outbox.repository.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";

const WAITING = 20_000;
const SENT = 20_000;

/**
 * The claim must read waiting messages in due order from an index, not sort the whole backlog on every claim
 * (which made each claim cost O(backlog): 17 ms at 50,000 waiting on PostgreSQL).
 */
describe.each(STORE_KINDS)("claim query plan on %s", (kind) => {
  let t: TestContext;
  beforeEach(async () => {
    t = await createTestContext(kind);
    const series =
      kind === "postgres"
        ? (n: number) => sql`select lpad(g::text, 6, '0') as n from generate_series(1, ${n}) as g`
        : (n: number) =>
            sql`with recursive g(x) as (select 1 union all select x + 1 from g where x < ${n})
              select substr('000000' || x, -6, 6) as n from g`;
    for (const [status, count] of [
      ["queued", WAITING],
      ["sent", SENT],
    ] as const) {
      await sql`insert into outbox_messages (status, due_at, to_json, cc_json, bcc_json, subject, size_bytes,
          recipients_search, attempt_count, created_at, updated_at)
        select ${status}, '2026-11-23T10:00:00.' || s.n || 'Z', '[]', '[]', '[]', 'Facture', 10, 'a@exemple.fr', 0,
          '2026', '2026'
          from (${series(count)}) as s`.execute(t.ctx.db);
    }
    await sql`analyze`.execute(t.ctx.db);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it("reads the oldest due messages from the claim index, without sorting the backlog", async () => {
    const inner = sql`select id from outbox_messages
        where status in ('queued', 'sending') and due_at <= ${"2027-01-01T00:00:00.000Z"}
        order by due_at limit 100`;
    const plan =
      kind === "postgres"
        ? JSON.stringify((await sql`explain (format json) ${inner}`.execute(t.ctx.db)).rows)
        : JSON.stringify((await sql`explain query plan ${inner}`.execute(t.ctx.db)).rows);
    expect(plan).toContain("outbox_messages_claim_idx");
    expect(plan).not.toMatch(/"Sort"|TEMP B-TREE/);
    // And the claim itself takes the oldest first.
    const rows = await claimDueMessages(
      t.ctx.db,
      t.ctx.dialect,
      "w1",
      new Date("2027-01-01T00:00:00.000Z"),
      60_000,
      3,
    );
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3]);
  });
});
