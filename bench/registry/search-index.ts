/**
 * Experiment behind the search-speed proposal in docs/BENCHMARKS.md (not part of `npm run bench`):
 * the same 100,000 servers, the two queries behind a search page (count + page of 50) as the repository
 * runs them today (`search_text LIKE '%term%'`, a full scan) and with a trigram index — SQLite FTS5
 * `tokenize='trigram'` as an external-content table, PostgreSQL `pg_trgm` GIN. The indexes are created in
 * the throw-away benchmark database only.
 *
 *   npx tsx bench/registry/search-index.ts
 */
import { sql, type Kysely } from "kysely";
import { likeContains } from "../../src/registry/search-text.js";
import { countServers, selectServerPage } from "../../src/registry/server.repository.js";
import type { Database } from "../../src/store/schema.js";
import { createBenchContext, type BenchStore } from "../lib/bench-context.js";
import { join } from "node:path";
import { machineInfo, markdownTable, ms, writeSection } from "../lib/markdown.js";
import { summarize } from "../lib/percentile.js";
import { seedServers } from "../lib/seed-servers.js";

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100_000);
const RUNS = 60;
const TERMS = ["orange", "4242", "introuvable", "ecureuils"];
const BENCHMARKS_FILE = join(import.meta.dirname, "..", "..", "docs", "BENCHMARKS.md");
const machine = machineInfo();
const built: string[] = [];

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 5; i += 1) await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

/** count + page of 50 by title through an indexed id set. */
function indexedQueries(db: Kysely<Database>, store: BenchStore, term: string) {
  const pattern = likeContains(term);
  const ids =
    store === "sqlite"
      ? sql`select rowid from smtp_servers_search where search_text like ${pattern}`
      : sql`select id from smtp_servers where search_text like ${pattern} escape '\\'`;
  return {
    count: () => sql`select count(*) as n from smtp_servers where id in (${ids})`.execute(db),
    page: () => sql`select * from smtp_servers where id in (${ids}) order by title, id limit 50`.execute(db),
  };
}

async function createIndex(db: Kysely<Database>, store: BenchStore): Promise<number> {
  const started = performance.now();
  if (store === "sqlite") {
    await sql`create virtual table smtp_servers_search using fts5(search_text, content='smtp_servers', content_rowid='id', tokenize='trigram')`.execute(
      db,
    );
    await sql`insert into smtp_servers_search(smtp_servers_search) values ('rebuild')`.execute(db);
  } else {
    await sql`create extension if not exists pg_trgm schema public`.execute(db);
    await sql`create index smtp_servers_search_trgm on smtp_servers using gin (search_text public.gin_trgm_ops)`.execute(
      db,
    );
    await sql`analyze smtp_servers`.execute(db);
  }
  return (performance.now() - started) / 1000;
}

const rows: Array<Array<string | number>> = [];
for (const store of ["sqlite", "postgres"] as BenchStore[]) {
  const bench = await createBenchContext(store);
  try {
    await seedServers(bench.ctx, SERVERS);
    const db = bench.ctx.db;
    const before = new Map<string, { count: number; page: number }>();
    for (const term of TERMS) {
      const count = await time(() => countServers(db, { q: term }));
      const page = await time(() => selectServerPage(db, { q: term }, "title", "asc", 0, 50));
      before.set(term, { count: count.p95, page: page.p95 });
    }
    const seconds = await createIndex(db, store);
    console.log(`[${store}] trigram index built in ${seconds.toFixed(1)} s`);
    built.push(`${store} ${seconds.toFixed(1)} s`);
    for (const term of TERMS) {
      const q = indexedQueries(db, store, term);
      const expected = await countServers(db, { q: term });
      const got = Number(((await q.count()).rows[0] as { n: number | string }).n);
      if (got !== expected) throw new Error(`${store} ${term}: index finds ${got}, LIKE finds ${expected}`);
      const count = await time(q.count);
      const page = await time(q.page);
      const b = before.get(term)!;
      rows.push([
        store,
        `\`${term}\` (${expected} rows)`,
        ms(b.count),
        ms(count.p95),
        ms(b.page),
        ms(page.p95),
      ]);
      console.log(rows.at(-1)!.join(" | "));
    }
  } finally {
    if (store === "postgres")
      await sql`drop extension if exists pg_trgm cascade`.execute(bench.ctx.db).catch(() => undefined);
    await bench.dispose();
  }
}
const table = markdownTable(
  [
    "store",
    "term",
    "count p95 ms (LIKE scan)",
    "count p95 ms (trigram)",
    "page by title p95 ms (LIKE scan)",
    "page by title p95 ms (trigram)",
  ],
  rows,
);
writeSection(
  BENCHMARKS_FILE,
  "registry-search-index",
  [
    "### Registry search: LIKE scan vs trigram index (bench/registry/search-index.ts)",
    "",
    `The two queries behind a search page, ${SERVERS.toLocaleString("en")} servers, ${RUNS} runs each, no HTTP. ` +
      "Today `search_text LIKE '%term%'` scans every row, twice per page (count, then page), and a search sorted by " +
      "title walks the title index with a table lookup per row until 50 rows match. With a trigram index the " +
      "matching ids come from the index, then only those rows are counted and sorted. SQLite: FTS5 " +
      "`tokenize='trigram'` external-content table; PostgreSQL: `pg_trgm` GIN index (same LIKE, no query change).",
    "",
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; machine: ${machine}`,
    `- Index build: ${built.join(", ")}`,
    "- Re-run: `npx tsx bench/registry/search-index.ts`",
    "",
    table,
  ].join("\n"),
);
console.log(table);
