/**
 * Sending benchmark, one run (issue 6):
 *  (a) references into Postfix's smtp-sink on 127.0.0.1: `smtp-source -d -s 10` (persistent connections,
 *      10 sessions) and a bare pooled nodemailer loop (10 connections, no storage);
 *  (b) Facteur on SQLite and on PostgreSQL: API accept rate (202 = committed to the outbox, autocannon over
 *      HTTP) and end-to-end delivery rate into the same smtp-sink, 2 KB messages, peak RSS of the Facteur process.
 * Prints a markdown table and writes it into docs/sending.md between the BENCHMARK markers.
 *
 *   npx tsx bench/sending/run.ts [--duration 10] [--connections 50] [--messages 20000]
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import nodemailer from "nodemailer";
import { machineInfo, writeSection } from "../lib/markdown.js";
import { shippedNodeFlags } from "../lib/node-flags.js";
import { freePort, numberArg } from "../lib/cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DURATION_S = numberArg("duration", 10);
const CONNECTIONS = numberArg("connections", 50);
const MESSAGES = numberArg("messages", 20_000);
const BODY_2KB = "Bonjour,\n" + "Facteur mesure son débit d'envoi. ".repeat(60).slice(0, 2_030) + "\n";
const TARGET_DELIVERY = 0.1; // of smtp-source -d -s 10
const TARGET_ACCEPT = 2; // × Facteur's delivery target
const RSS_LIMIT_MB = 300;

async function startSink(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  // smtp-sink refuses to run as root without -u; the backlog (1000) keeps connects from being refused.
  const args = [...(process.getuid?.() === 0 ? ["-u", "nobody"] : []), `127.0.0.1:${port}`, "1000"];
  const child = spawn("smtp-sink", args, { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
  return { port, child };
}

function smtpSourceRate(port: number): number {
  const started = process.hrtime.bigint();
  execFileSync("smtp-source", [
    "-d",
    "-s",
    "10",
    "-m",
    String(MESSAGES),
    "-l",
    "2048",
    "-f",
    "bench@exemple.fr",
    "-t",
    "sink@exemple.fr",
    `127.0.0.1:${port}`,
  ]);
  return MESSAGES / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * A bare pooled nodemailer loop. `noDelay`: the same loop on sockets with Nagle's algorithm off, as Facteur
 * opens them — nodemailer's default sockets stall on the sink's delayed ACKs (tens of ms per message).
 */
async function bareNodemailerRate(port: number, noDelay: boolean): Promise<number> {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port,
    ignoreTLS: true,
    pool: true,
    maxConnections: 10,
    maxMessages: Infinity,
    ...(noDelay
      ? {
          getSocket: (_options: unknown, callback: (e: Error | null, s?: { connection: Socket }) => void) => {
            const socket = connect({ host: "127.0.0.1", port, noDelay: true });
            socket.once("connect", () => callback(null, { connection: socket }));
            socket.once("error", callback);
          },
        }
      : {}),
  });
  const count = Math.min(MESSAGES, 10_000);
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      transport.sendMail({
        from: "bench@exemple.fr",
        to: "sink@exemple.fr",
        subject: `Facture ${i}`,
        text: BODY_2KB,
      }),
    ),
  );
  const rate = count / (Number(process.hrtime.bigint() - started) / 1e9);
  transport.close();
  return rate;
}

interface FacteurResult {
  kind: string;
  acceptRate: number;
  deliveryRate: number;
  sent: number;
  peakRssMb: number;
}

async function facteur(kind: "sqlite" | "postgres", sinkPort: number): Promise<FacteurResult> {
  // Run as `npm start` runs Facteur (same Node flags); `node --import tsx` so the pid is Facteur's own.
  const child = spawn(
    process.execPath,
    [
      ...shippedNodeFlags(),
      "--import",
      "tsx",
      join(import.meta.dirname, "scenario.ts"),
      kind,
      String(sinkPort),
    ],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", FACTEUR_LOG_LEVEL: "silent" },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
  const ready = (await next()) as { port: number; key: string };
  const result = await autocannon({
    url: `http://127.0.0.1:${ready.port}/api/v1/messages`,
    method: "POST",
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { authorization: `Bearer ${ready.key}`, "content-type": "application/json" },
    body: JSON.stringify({ to: "client@exemple.fr", subject: "Facture", text: BODY_2KB }),
  });
  child.stdin!.end("deliver\n");
  const done = (await next()) as { accepted: number; sent: number; deliveryRate: number; peakRssMb: number };
  await new Promise((r) => child.once("exit", r));
  console.error(`${kind}: ${JSON.stringify(done)}`);
  if (result.non2xx > 0) console.error(`${kind}: ${result.non2xx} non-2xx answers`);
  return {
    kind,
    acceptRate: result["2xx"] / DURATION_S,
    deliveryRate: done.deliveryRate,
    sent: done.sent,
    peakRssMb: done.peakRssMb,
  };
}

const sink = await startSink();
try {
  const load = loadavg()[0]!.toFixed(1);
  const source = smtpSourceRate(sink.port);
  console.error(`smtp-source: ${source.toFixed(0)} msg/s`);
  const bare = await bareNodemailerRate(sink.port, false);
  console.error(`bare nodemailer: ${bare.toFixed(0)} msg/s`);
  const bareNoDelay = await bareNodemailerRate(sink.port, true);
  console.error(`bare nodemailer, Nagle off: ${bareNoDelay.toFixed(0)} msg/s`);
  const results = [await facteur("sqlite", sink.port), await facteur("postgres", sink.port)];
  const pct = (v: number) => `${((v / source) * 100).toFixed(1)} %`;
  const rows = [
    "| measure | msg/s | vs `smtp-source -d -s 10` | target |",
    "|---|---:|---:|---|",
    `| Postfix \`smtp-source -d -s 10\` → \`smtp-sink\` | ${source.toFixed(0)} | 100 % | reference |`,
    `| bare pooled nodemailer (10 connections, no storage) | ${bare.toFixed(0)} | ${pct(bare)} | reference |`,
    `| same, sockets with Nagle's algorithm off (as Facteur opens them) | ${bareNoDelay.toFixed(0)} | ${pct(bareNoDelay)} | reference |`,
    ...results.flatMap((r) => [
      `| Facteur ${r.kind}: API accept (202 after commit, ${CONNECTIONS} HTTP connections) | ${r.acceptRate.toFixed(0)} | ${pct(r.acceptRate)} | ≥ ${(TARGET_ACCEPT * TARGET_DELIVERY * 100).toFixed(0)} % ${r.acceptRate >= TARGET_ACCEPT * TARGET_DELIVERY * source ? "✅" : "❌"} |`,
      `| Facteur ${r.kind}: end-to-end delivery (${r.sent} messages) | ${r.deliveryRate.toFixed(0)} | ${pct(r.deliveryRate)} | ≥ ${(TARGET_DELIVERY * 100).toFixed(0)} % ${r.deliveryRate >= TARGET_DELIVERY * source ? "✅" : "❌"} |`,
      `| Facteur ${r.kind}: peak RSS | ${r.peakRssMb.toFixed(0)} MB | | < ${RSS_LIMIT_MB} MB ${r.peakRssMb < RSS_LIMIT_MB ? "✅" : "❌"} |`,
    ]),
  ];
  const table = [
    `2 KB messages, ${DURATION_S} s of API load, Node ${process.version}, load average at start ${load} (shared 2-core machine).`,
    "",
    ...rows,
  ].join("\n");
  console.log(table);
  writeSection(
    join(ROOT, "docs", "BENCHMARKS.md"),
    "sending",
    [
      "## Sending pipeline vs Postfix smtp-source (bench/sending)",
      "",
      `Re-run: \`npx tsx bench/sending/run.ts\` (method in \`docs/sending.md\`). ${machineInfo()}.`,
      `Facteur runs with the Node flags of \`npm start\` (${shippedNodeFlags().join(" ")}; see docs/ARCHITECTURE.md, "Memory budget").`,
      "",
      table,
    ].join("\n"),
  );
  const docPath = join(ROOT, "docs", "sending.md");
  const doc = readFileSync(docPath, "utf8");
  const start = "<!-- BENCHMARK:START -->";
  const end = "<!-- BENCHMARK:END -->";
  if (doc.includes(start)) {
    writeFileSync(docPath, doc.replace(new RegExp(`${start}[\\s\\S]*${end}`), `${start}\n${table}\n${end}`));
  }
} finally {
  sink.child.kill();
}
