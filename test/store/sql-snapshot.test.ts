import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUERIES_DIR, SNAPSHOTS } from "../../scripts/sql-snapshot.js";
import { renderSnapshot } from "../../src/store/sql-snapshot.js";

describe("reviewed SQL snapshots (src/store/queries)", () => {
  for (const snapshot of SNAPSHOTS) {
    it(`${snapshot.file} is what ${snapshot.source} compiles today (else: npm run sql:snapshot, review the diff)`, async () => {
      const committed = readFileSync(join(QUERIES_DIR, snapshot.file), "utf8");
      expect(await renderSnapshot(snapshot)).toBe(committed);
    });
  }

  it("records both dialects of the registry search", async () => {
    const text = readFileSync(join(QUERIES_DIR, "server.repository.sql"), "utf8");
    expect(text).toContain("from smtp_servers_fts where search_text like ?");
    expect(text).toMatch(/\[postgres\]\nselect \* from "smtp_servers" where search_text like \$1/);
  });

  it("records the worker's claim (SKIP LOCKED on PostgreSQL only) and its batched settlement", async () => {
    const text = readFileSync(join(QUERIES_DIR, "outbox.repository.sql"), "utf8");
    const [sqlite, postgres] = text.split("[postgres]");
    expect(sqlite).not.toContain("skip locked");
    expect(postgres).toContain("for update skip locked");
    expect(text).toContain("from (values (cast(");
  });
});
