/**
 * bench/export: seeds 100,000 SMTP servers in a SQLite file, starts `facteur serve` on it in its own child
 * process, then downloads the streamed export (GET /api/v1/servers/export.{csv,xlsx,pdf}, all columns, sorted
 * by id) over HTTP. For each download: wall time until the last byte (body counted, then dropped) and the
 * growth of the server's resident memory over its level just before the request (VmRSS of the child sampled
 * every 100 ms, plus the kernel's own peak VmHWM, reset through /proc/<pid>/clear_refs when allowed).
 * Each format runs BENCH_RUNS times, each on a freshly started server: median time, largest growth. Results go to docs/BENCHMARKS.md between
 * the `bench:export` markers.
 *
 *   npx tsx bench/export/run.ts
 *   BENCH_SERVERS=20000 BENCH_RUNS=1 npx tsx bench/export/run.ts
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createApiKey } from "../../src/auth/admin.service.js";
import { createBenchContext } from "../lib/bench-context.js";
import { machineInfo, markdownTable, writeSection } from "../lib/markdown.js";
import { seedServers } from "../lib/seed-servers.js";
import { shippedNodeFlags } from "../lib/node-flags.js";
import { freePort } from "../lib/cli.js";

const SERVERS = Number(process.env.BENCH_SERVERS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const SAMPLE_MS = 100;
const RSS_TARGET_MB = 200;
const TARGETS_S = { csv: 3, xlsx: 15, pdf: 30 } as const;
type Format = keyof typeof TARGETS_S;
const FORMATS = Object.keys(TARGETS_S) as Format[];
const ROOT = join(import.meta.dirname, "..", "..");
const BENCHMARKS_FILE = join(ROOT, "docs", "BENCHMARKS.md");
const MB = 1024 * 1024;

interface Run {
  bytes: number;
  seconds: number;
  baselineMb: number;
  growthMb: number;
  /** 1-minute load average when the run started. */
  load: number;
}

interface FormatResult {
  format: Format;
  runs: Run[];
}

/** A port nobody listens on right now (the kernel picks it; the child binds it a moment later). */

/** VmRSS or VmHWM of a process, in bytes (NaN once it is gone). */
function procStatusBytes(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Resets the kernel's peak RSS (VmHWM) of a process we own; false when the kernel does not allow it. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`facteur serve exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${base}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("facteur serve did not answer /health within 60 s");
}

async function settle(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** One download: bytes counted and dropped as they arrive, RSS of the server sampled meanwhile. */
async function exportOnce(base: string, key: string, format: Format, pid: number): Promise<Run> {
  // Let garbage from the previous run be collected and the RSS settle before taking the baseline.
  await settle(1_500);
  const load = loadavg()[0]!;
  const baseline = procStatusBytes(pid, "VmRSS");
  const hwmReset = resetPeak(pid);
  let peak = baseline;
  const timer = setInterval(() => {
    const rss = procStatusBytes(pid, "VmRSS");
    if (rss > peak) peak = rss;
  }, SAMPLE_MS);
  const started = performance.now();
  let bytes = 0;
  try {
    const response = await fetch(`${base}/api/v1/servers/export.${format}?sort=id&order=asc&lang=fr`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (response.status !== 200 || !response.body) throw new Error(`export.${format} → ${response.status}`);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
    }
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  const last = procStatusBytes(pid, "VmRSS");
  if (last > peak) peak = last;
  if (hwmReset) {
    const hwm = procStatusBytes(pid, "VmHWM");
    if (hwm > peak) peak = hwm;
  }
  return { bytes, seconds, baselineMb: baseline / MB, growthMb: Math.max(0, peak - baseline) / MB, load };
}

async function main(): Promise<void> {
  const loadAtStart = machineInfo();
  const bench = await createBenchContext("sqlite");
  try {
    const seedStart = performance.now();
    await seedServers(bench.ctx, SERVERS);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    console.log(`[sqlite] seeded ${SERVERS} servers in ${seedSeconds.toFixed(1)} s`);
    const { key } = await createApiKey(bench.ctx, "bench-export", ["read"]);
    const { databaseUrl, dataDir } = bench.ctx.config;
    // Close the parent's connection: the server process is the only user of the file while measured.
    await bench.ctx.close();

    const env = { databaseUrl, dataDir };
    const results: FormatResult[] = [];
    for (const format of FORMATS) {
      const runs: Run[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        // A fresh server per run: the heap an earlier export grew would otherwise hide the next one's growth.
        const server = await startServer(env);
        try {
          const run = await exportOnce(server.base, key, format, server.pid);
          runs.push(run);
          console.log(
            `[sqlite] ${format} #${i + 1}: ${run.bytes.toLocaleString("en")} bytes in ${run.seconds.toFixed(2)} s, ` +
              `RSS ${run.baselineMb.toFixed(0)} MB + ${run.growthMb.toFixed(0)} MB (load ${run.load.toFixed(1)})`,
          );
        } finally {
          await server.stop();
        }
      }
      results.push({ format, runs });
    }
    const section = report(results, loadAtStart, seedSeconds);
    writeSection(BENCHMARKS_FILE, "export", section);
    console.log(`\n${section}\n\nWritten to ${BENCHMARKS_FILE}`);
  } finally {
    await bench.dispose().catch(() => {});
  }
}

interface RunningServer {
  base: string;
  pid: number;
  stop(): Promise<void>;
}

/** `facteur serve` on the seeded file, in its own process; resolves once /health answers. */
async function startServer(store: { databaseUrl: string; dataDir: string }): Promise<RunningServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // `node --import tsx` rather than the tsx binary, whose pid would be a wrapper around the server's.
  const child = spawn(
    process.execPath,
    [...shippedNodeFlags(), "--import", "tsx", join(ROOT, "src", "cli", "main.ts"), "serve"],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        FACTEUR_DATABASE_URL: store.databaseUrl,
        FACTEUR_DATA_DIR: store.dataDir,
        FACTEUR_PORT: String(port),
        FACTEUR_HOST: "127.0.0.1",
        FACTEUR_WORKER: "off",
        FACTEUR_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, settle(20_000)]);
  };
  try {
    await waitForHealth(base, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, pid: child.pid!, stop };
}

/** Median (mean of the two middle values for an even count). */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function report(results: FormatResult[], machine: string, seedSeconds: number): string {
  const rows = results.map(({ format, runs }) => {
    const medianSeconds = median(runs.map((r) => r.seconds));
    const growth = Math.max(...runs.map((r) => r.growthMb));
    const met = medianSeconds < TARGETS_S[format] && growth < RSS_TARGET_MB;
    return [
      format.toUpperCase(),
      SERVERS.toLocaleString("en"),
      Math.max(...runs.map((r) => r.bytes)).toLocaleString("en"),
      medianSeconds.toFixed(2),
      `< ${TARGETS_S[format]}`,
      growth.toFixed(0),
      `< ${RSS_TARGET_MB}`,
      met ? "✅" : "❌",
    ];
  });
  const perRun = results.flatMap(({ format, runs }) =>
    runs.map((r, i) => [
      `${format.toUpperCase()} #${i + 1}`,
      r.seconds.toFixed(2),
      r.baselineMb.toFixed(0),
      r.growthMb.toFixed(0),
      r.load.toFixed(1),
    ]),
  );
  return [
    "## Export: CSV, XLSX, PDF of the whole registry (bench/export)",
    "",
    `${SERVERS.toLocaleString("en")} servers seeded in a SQLite file (${seedSeconds.toFixed(1)} s), then \`facteur serve\` ` +
      "started on it in its own process (worker off), a fresh one for every run (first request of its kind: " +
      "cold JIT and lazily loaded renderers included). Each format is downloaded over HTTP with an API key " +
      "(`GET /api/v1/servers/export.<format>?sort=id&order=asc&lang=fr`, all columns), the body counted and dropped by the client; " +
      `time is until the last byte. Memory is the server process's resident set: VmRSS sampled every ${SAMPLE_MS} ms ` +
      "and the kernel's peak (VmHWM, reset before each download), minus the VmRSS just before the request. " +
      `${RUNS} runs per format, one after the other: median time, largest growth. SQLite only (PostgreSQL not measured here).`,
    "",
    `- Date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- Machine: ${machine}`,
    "- Re-run: `npx tsx bench/export/run.ts` (or `npm run bench -- export`); `BENCH_SERVERS` to shrink, `BENCH_RUNS` for the runs per format",
    "",
    markdownTable(
      ["format", "rows", "bytes", "time s", "target s", "peak RSS growth MB", "target MB", "met"],
      rows,
    ),
    "",
    "Each run:",
    "",
    markdownTable(
      ["run", "time s", "server RSS before MB", "peak growth MB", "load (1 min) at start"],
      perRun,
    ),
    "",
    "Notes:",
    "",
    `- The server runs with the Node flags of \`npm start\` (${shippedNodeFlags().join(" ")}, see ` +
      'docs/ARCHITECTURE.md, "Memory budget"). Without it the growth was garbage V8 had not collected yet ' +
      "(193 MB for XLSX, 211 MB for PDF on 2026-11-23, with the heap in use falling back to ~36 MB after a " +
      "full collection): the streaming itself holds one page of rows at a time.",
    "- Rows are read with keyset pages on (sort column, id), 1,000 at a time: the table read costs ~0.8 s " +
      "for 100,000 rows, against ~2.4 s with OFFSET pages (measured in-process).",
  ].join("\n");
}

await main();
