/**
 * bench/registry: seeds 100,000 SMTP servers on SQLite and on PostgreSQL, then measures list, search, sort
 * and deep-page requests through the real HTTP app (API key, keep-alive, one request at a time so each
 * figure is a latency, not a queueing delay). `/health` runs in the same process as the floor: every row
 * is also given as a multiple of it. Results go to docs/BENCHMARKS.md between the `bench:registry` markers.
 *
 *   npx tsx bench/registry/run.ts            # both databases, 100,000 servers
 *   BENCH_SERVERS=20000 BENCH_STORES=sqlite npx tsx bench/registry/run.ts
 */
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createApiKey } from "../../src/auth/admin.service.js";
import { buildApp } from "../../src/http/app.js";
import { countServers, selectServerPage } from "../../src/registry/server.repository.js";
import { createBenchContext, type BenchStore } from "../lib/bench-context.js";
import { machineInfo, markdownTable, ms, writeSection } from "../lib/markdown.js";
import { summarize, type LatencySummary } from "../lib/percentile.js";
import { seedServers } from "../lib/seed-servers.js";

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100_000);
const STORES = (process.env.BENCH_STORES ?? "sqlite,postgres").split(",") as BenchStore[];
const WARMUP_REQUESTS = 20; // fills caches and JIT before measuring
const MEASURED_REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200); // enough for a stable p95 (10 samples above it)
const SQLITE_SEARCH_P95_TARGET_MS = 50; // issue "Foundation": page of 50 with a search term on SQLite
const BENCHMARKS_FILE = join(import.meta.dirname, "..", "..", "docs", "BENCHMARKS.md");

interface Scenario {
  name: string;
  path: string;
  /** The scenario the SQLite target applies to. */
  target?: boolean;
}

/** Terms chosen from the seeded data: a common provider, a rare number, and a miss (the worst case). */
const SCENARIOS: Scenario[] = [
  { name: "`/health` (floor: HTTP + auth-free route)", path: "/health" },
  { name: "first page, sorted by id", path: "/api/v1/servers?page=1&pageSize=50" },
  {
    name: "search `orange` (≈5 % of rows), page of 50",
    path: "/api/v1/servers?q=orange&pageSize=50",
    target: true,
  },
  { name: "search `4242` (rare), page of 50", path: "/api/v1/servers?q=4242&pageSize=50", target: true },
  {
    name: "search `introuvable` (no match), page of 50",
    path: "/api/v1/servers?q=introuvable&pageSize=50",
    target: true,
  },
  { name: "sort by host, descending", path: "/api/v1/servers?sort=host&order=desc&pageSize=50" },
  {
    name: "sort by title + search `ecureuils`",
    path: "/api/v1/servers?q=ecureuils&sort=title&pageSize=50",
    target: true,
  },
  { name: "deep page 1000 (offset 49,950), by id", path: "/api/v1/servers?page=1000&pageSize=50" },
  { name: "deep page 1000, by title", path: "/api/v1/servers?page=1000&pageSize=50&sort=title" },
];

interface StoreResult {
  store: BenchStore;
  seedSeconds: number;
  results: Array<{ scenario: Scenario; summary: LatencySummary }>;
  /** Time of the two queries behind a search page, measured without HTTP (diagnosis). */
  queries: { count: LatencySummary; page: LatencySummary };
}

async function timeRequests(url: string, headers: Record<string, string>): Promise<LatencySummary> {
  const once = async () => {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} → ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < WARMUP_REQUESTS; i += 1) await once();
  const samples: number[] = [];
  for (let i = 0; i < MEASURED_REQUESTS; i += 1) samples.push(await once());
  return summarize(samples);
}

async function timeQuery(run: () => Promise<unknown>): Promise<LatencySummary> {
  for (let i = 0; i < WARMUP_REQUESTS; i += 1) await run();
  const samples: number[] = [];
  for (let i = 0; i < MEASURED_REQUESTS / 2; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

async function benchStore(store: BenchStore): Promise<StoreResult> {
  const bench = await createBenchContext(store);
  try {
    const seedStart = performance.now();
    await seedServers(bench.ctx, SERVERS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`[${store}] seeded ${SERVERS} servers in ${seedSeconds.toFixed(1)} s`);

    const app = await buildApp(bench.ctx);
    await app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const { key } = await createApiKey(bench.ctx, "bench", ["read"]);
    const headers = { authorization: `Bearer ${key}` };
    const results: StoreResult["results"] = [];
    try {
      for (const scenario of SCENARIOS) {
        const summary = await timeRequests(`http://127.0.0.1:${port}${scenario.path}`, headers);
        results.push({ scenario, summary });
        console.log(`[${store}] ${scenario.name}: p50 ${ms(summary.p50)} ms, p95 ${ms(summary.p95)} ms`);
      }
    } finally {
      await app.close();
    }
    const filter = { q: "introuvable" };
    const queries = {
      count: await timeQuery(() => countServers(bench.ctx.db, filter)),
      page: await timeQuery(() => selectServerPage(bench.ctx.db, filter, "id", "asc", 0, 50)),
    };
    return { store, seedSeconds, results, queries };
  } finally {
    await bench.dispose();
  }
}

function report(all: StoreResult[]): string {
  const floor = (r: StoreResult) => r.results[0]!.summary.p50;
  const rows = SCENARIOS.map((scenario, i) => [
    scenario.name,
    ...all.flatMap((r) => {
      const s = r.results[i]!.summary;
      return [ms(s.p50), ms(s.p95), `${(s.p50 / floor(r)).toFixed(1)}×`];
    }),
  ]);
  const headers = [
    "request",
    ...all.flatMap((r) => [`${r.store} p50 ms`, `${r.store} p95 ms`, `${r.store} p50 / floor`]),
  ];
  const sqlite = all.find((r) => r.store === "sqlite");
  const worstSearch = sqlite
    ? Math.max(...sqlite.results.filter((r) => r.scenario.target).map((r) => r.summary.p95))
    : Number.NaN;
  const verdict = sqlite
    ? `Target (issue "Foundation"): p95 < ${SQLITE_SEARCH_P95_TARGET_MS} ms on SQLite for a page of 50 with a search term — ` +
      `worst search p95 this run: **${ms(worstSearch)} ms** (${worstSearch < SQLITE_SEARCH_P95_TARGET_MS ? "met" : "NOT met"}).`
    : "";
  const diagnosis = markdownTable(
    [
      "query behind a search page (`q=introuvable`), no HTTP",
      ...all.flatMap((r) => [`${r.store} p50 ms`, `${r.store} p95 ms`]),
    ],
    [
      [
        "`count(*) … where search_text like '%…%'`",
        ...all.flatMap((r) => [ms(r.queries.count.p50), ms(r.queries.count.p95)]),
      ],
      [
        "page: `select * … like … order by id limit 50`",
        ...all.flatMap((r) => [ms(r.queries.page.p50), ms(r.queries.page.p95)]),
      ],
    ],
  );
  return [
    "## Registry: list, search, sort (bench/registry)",
    "",
    `${SERVERS.toLocaleString("en")} servers seeded with varied French values (bulk INSERTs, \`search_text\` as the service writes it), ` +
      `then ${MEASURED_REQUESTS} sequential requests per row after ${WARMUP_REQUESTS} warm-up ones, through the real HTTP app ` +
      "(API key, keep-alive, 127.0.0.1). Latency is measured by the client, body included.",
    "",
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- Machine: ${machineInfo()}`,
    `- Seeding: ${all.map((r) => `${r.store} ${r.seedSeconds.toFixed(1)} s`).join(", ")}`,
    "- Re-run: `npx tsx bench/registry/run.ts` (or `npm run bench -- registry`); `BENCH_SERVERS`, `BENCH_STORES`, `BENCH_REQUESTS` to vary",
    "",
    markdownTable(headers, rows),
    "",
    verdict,
    "",
    "Where a search page spends its time:",
    "",
    diagnosis,
    "",
    "Reading the figures:",
    "",
    "- Search goes through a trigram index (migration `0002_registry_search`): FTS5 `tokenize='trigram'` on " +
      "SQLite, a `pg_trgm` GIN index on PostgreSQL. On SQLite the count comes from the index; the page takes the " +
      "matching ids from it, except for common terms sorted by id, where walking the id order finds 50 matches " +
      "sooner (`listServers` in src/registry/server.service.ts). Terms under 3 characters or with LIKE " +
      "metacharacters still scan.",
    "- The remaining slow case is a common term sorted by a text column (`ecureuils` by title, ~6,000 matches): " +
      "SQLite reads the index once (materialised ids give the count and the page) and sorts the " +
      "matches; it is the slowest search and stays near the 50 ms line on a busy machine.",
    "- The table just above measures the bare LIKE scan the index replaced (for reference).",
    "- PostgreSQL counts by scanning the table even without a search (`count(*)` has no shortcut there), which is " +
      "most of its first-page and sort-by-host time.",
    "- Deep pages pay `OFFSET`: the skipped rows are still walked.",
  ].join("\n");
}

const all: StoreResult[] = [];
for (const store of STORES) all.push(await benchStore(store));
const section = report(all);
writeSection(BENCHMARKS_FILE, "registry", section);
console.log(`\n${section}\n\nWritten to ${BENCHMARKS_FILE}`);
