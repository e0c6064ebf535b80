/**
 * Load benchmark: autocannon with 100 connections against a real `facteur serve` process (SQLite, no
 * in-process worker) for BENCH_LOAD_SECONDS (60 by default) per scenario:
 *   - GET /api/v1/servers?q=… over 2,000 seeded servers (API key)
 *   - POST /api/v1/messages (API key): every request queues a new message, committed before the 202
 * Errors, timeouts and non-2xx answers must all be 0 (the run exits 1 otherwise). Figures go to
 * docs/BENCHMARKS.md and docs/RELIABILITY.md between the `bench:load` markers.
 *
 *   npx tsx bench/load/run.ts            # 60 s per scenario
 *   BENCH_LOAD_SECONDS=10 npx tsx bench/load/run.ts
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { createApiKey } from "../../src/auth/admin.service.js";
import { loadConfig } from "../../src/config/config.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createServer as createSmtpServer } from "../../src/registry/server.service.js";
import { seedServers } from "../lib/seed-servers.js";
import { shippedNodeFlags } from "../lib/node-flags.js";
import { freePort } from "../lib/cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS) || 60;
const CONNECTIONS = 100;
const SEEDED_SERVERS = 2_000;
const SEARCH_TERM = "equipe"; // accent-free: finds "Équipe …" titles through search_text
const START_TIMEOUT_MS = 60_000;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}
type Autocannon = (options: {
  url: string;
  method: "GET" | "POST";
  connections: number;
  duration: number;
  headers: Record<string, string>;
  body?: string;
}) => Promise<AutocannonResult>;
// autocannon ships no types; its CommonJS entry is loaded with require.
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

interface Row {
  scenario: string;
  result: AutocannonResult;
}

function table(rows: Row[]): string {
  const lines = [
    "| scenario | requests | requests/s | p50 ms | p99 ms | max ms | errors (of which timeouts > 10 s) | non-2xx |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { scenario, result: r } of rows)
    lines.push(
      `| ${scenario} | ${r.requests.total.toLocaleString("en-US")} | ${Math.round(r.requests.average).toLocaleString("en-US")} | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${r.errors} (${r.timeouts}) | ${r.non2xx} |`,
    );
  return lines.join("\n");
}

/** Replaces the text between `<!-- bench:load -->` and `<!-- /bench:load -->`, appending the section if absent. */
function writeSection(file: string, section: string, header: string): void {
  const open = "<!-- bench:load -->";
  const close = "<!-- /bench:load -->";
  const block = `${open}\n${section}\n${close}`;
  const current = existsSync(file) ? readFileSync(file, "utf8") : `${header}\n`;
  const start = current.indexOf(open);
  const end = current.indexOf(close);
  const next =
    start >= 0 && end > start
      ? current.slice(0, start) + block + current.slice(end + close.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()
    .map((n) => n.toFixed(1))
    .join(" / ");
  const dir = mkdtempSync(join(tmpdir(), "facteur-bench-load-"));
  const secretKey = randomBytes(32).toString("base64");
  const env = {
    FACTEUR_DATABASE_URL: `sqlite:${join(dir, "facteur.db")}`,
    FACTEUR_DATA_DIR: dir,
    FACTEUR_SECRET_KEY: secretKey,
    FACTEUR_LOG_LEVEL: "warn",
    FACTEUR_WORKER: "off",
  };
  const ctx = await createContext(loadConfig(env), { logger: createLogger("silent") });
  await seedServers(ctx, SEEDED_SERVERS);
  // A confirmed route for the messages (never contacted: no worker runs during the benchmark).
  const { server } = await createSmtpServer(
    ctx,
    createServerSchema.parse({
      title: "Relais de charge",
      host: "127.0.0.1",
      port: 2525,
      authentication: "none",
      security: "none",
      mail: "charge@exemple.fr",
      senderName: "Charge",
      username: "charge",
      usage: { mode: "all" },
    }),
  );
  await ctx.db
    .updateTable("smtp_servers")
    .set({ confirmed_at: new Date().toISOString(), confirmed_ip: "127.0.0.1" })
    .where("id", "=", server.id)
    .execute();
  const { key } = await createApiKey(ctx, "bench-load", ["send", "read"]);
  await ctx.close();

  const port = await freePort();
  const web = spawn(
    process.execPath,
    [...shippedNodeFlags(), "--import", "tsx", "src/cli/main.ts", "serve"],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        ...env,
        FACTEUR_PORT: String(port),
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error("facteur serve did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const rows: Row[] = [];
    const search = `GET /api/v1/servers?q=${SEARCH_TERM} (${SEEDED_SERVERS.toLocaleString("en-US")} servers)`;
    process.stderr.write(`${search}: ${SECONDS} s, ${CONNECTIONS} connections…\n`);
    rows.push({
      scenario: search,
      result: await autocannon({
        url: `${base}/api/v1/servers?q=${SEARCH_TERM}`,
        method: "GET",
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
      }),
    });
    process.stderr.write(`POST /api/v1/messages: ${SECONDS} s, ${CONNECTIONS} connections…\n`);
    rows.push({
      scenario: "POST /api/v1/messages (202 after commit)",
      result: await autocannon({
        url: `${base}/api/v1/messages`,
        method: "POST",
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
        body: JSON.stringify({
          to: [{ address: "client@exemple.fr", name: "Client" }],
          subject: "Votre facture",
          text: "Bonjour,\n\nVeuillez trouver votre facture.\n",
        }),
      }),
    });
    const check = await fetch(`${base}/api/v1/messages?pageSize=1`, { headers });
    const queued = ((await check.json()) as { total: number }).total;

    // autocannon counts a timeout (no answer within 10 s) as an error too.
    const failures = rows.reduce((n, { result: r }) => n + r.errors + r.non2xx, 0);
    const accepted = rows[1]!.result["2xx"];
    const date = new Date().toISOString().slice(0, 16).replace("T", " ");
    const section = [
      "## Load: 100 connections on the servers search and the sending API (bench/load)",
      "",
      `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per scenario, against one \`facteur serve\` process (SQLite in WAL, ` +
        "`FACTEUR_WORKER=off`, log level warn) on 127.0.0.1, API key auth. Re-run: `npx tsx bench/load/run.ts` " +
        "(`BENCH_LOAD_SECONDS=10` for a quick run).",
      "",
      `- Date: ${date} UTC · Node ${process.version} · ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? "?"}), shared with other work, load average ${loadAtStart} at the start`,
      `- Messages answered 202: ${accepted.toLocaleString("en-US")}; in the outbox afterwards: ${queued.toLocaleString("en-US")} ` +
        `(every 202 committed; ${(queued - accepted).toLocaleString("en-US")} more were committed by requests still in flight when autocannon stopped counting)`,
      "",
      table(rows),
      "",
      `Errors (timeouts included) and non-2xx answers: ${failures} (must be 0).`,
    ].join("\n");
    writeSection(
      join(ROOT, "docs", "BENCHMARKS.md"),
      section,
      "# Benchmarks\n\nEach section is written by its benchmark.",
    );
    writeSection(join(ROOT, "docs", "RELIABILITY.md"), section, "# Facteur — reliability");
    console.log(section);
    if (failures > 0 || queued < accepted) process.exitCode = 1;
  } finally {
    web.kill("SIGTERM");
    await new Promise((resolve) => web.once("exit", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
