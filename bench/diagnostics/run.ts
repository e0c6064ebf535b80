/**
 * Diagnostics benchmarks (issue 5):
 *  1. one full SMTP probe (connect, EHLO, STARTTLS, EHLO, AUTH PLAIN, QUIT) against a local smtp-server,
 *     compared with swaks doing the same conversation on the same server in the same run;
 *  2. a bulk test of 1,000 stored servers pointing at local fake servers, some slow, some dead.
 * Run: npx tsx bench/diagnostics/run.ts   (needs `swaks` and `openssl` on PATH)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer, type SMTPServerAuthenticationResponse } from "smtp-server";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { loadConfig } from "../../src/config/config.js";
import { startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { runProbe } from "../../src/diagnostics/probe.js";
import { TargetPolicy } from "../../src/net/target-policy.js";
import { sealServerPassword } from "../../src/secrets/server-password.js";
import { makeCertificate } from "../../test/diagnostics/helpers/certs.js";
import { percentile } from "../lib/percentile.js";

const PROBE_RUNS = 30; // medians of 30: stable to a few ms on a busy laptop
const BULK_SERVERS = 1_000;
const SLOW_SHARE = 0.1; // greeting after 1.5 s
const DEAD_SHARE = 0.1; // accepts, never speaks: times out
const USER = "bench@example.test";
const PASSWORD = "Bench-Passw0rd!";

/** Runs a command without blocking the event loop (the SMTP server under test lives in this process). */
function runCommand(command: string, args: string[]): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => resolve({ status: code ?? -1, output }));
  });
}

/** smtp-server with AUTH PLAIN/LOGIN; `plain` = no STARTTLS, AUTH in clear (stored bulk servers carry no CA). */
async function smtpServer(
  tls: { key: string; cert: string },
  plain = false,
): Promise<{ port: number; close: () => void }> {
  const server = new SMTPServer({
    logger: false,
    ...(plain ? { disabledCommands: ["STARTTLS"], allowInsecureAuth: true } : {}),
    disableReverseLookup: true,
    key: tls.key,
    cert: tls.cert,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.password === PASSWORD)
        callback(null, { user: auth.username } as SMTPServerAuthenticationResponse);
      else
        callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, close: () => server.close(() => undefined) };
}

async function rawServer(
  onConnection: (socket: Socket) => void,
): Promise<{ port: number; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

async function singleProbe(dir: string, tls: { key: string; cert: string }): Promise<Record<string, number>> {
  const server = await smtpServer(tls);
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, tls.cert);
  // The bench server is on loopback: opened, unthrottled (the default policy refuses loopback).
  const policy = new TargetPolicy({
    allow: ["127.0.0.0/8:*"],
    deny: [],
    ports: "*",
    perMinute: 0,
    perTargetPerMinute: 0,
    portsPerHost: 0,
  });
  const facteur: number[] = [];
  const swaks: number[] = [];
  for (let i = 0; i < PROBE_RUNS + 2; i += 1) {
    let started = performance.now();
    const result = await runProbe(
      {
        protocol: "smtp",
        host: "127.0.0.1",
        port: server.port,
        security: "starttls",
        user: USER,
        password: PASSWORD,
        trust: { ca: tls.cert },
      },
      { policy, kind: "diagnostics" },
    );
    if (!result.ok) throw new Error(`probe failed: ${result.failure?.code}`);
    if (i >= 2) facteur.push(performance.now() - started); // 2 warm-up rounds (JIT, TLS context)
    started = performance.now();
    // Same conversation: EHLO, STARTTLS, EHLO, AUTH PLAIN, QUIT, with certificate verification like ours.
    const run = await runCommand("swaks", [
      "--server",
      `127.0.0.1:${server.port}`,
      "--tls",
      "--tls-verify",
      "--tls-ca-path",
      caFile,
      "--auth",
      "PLAIN",
      "--auth-user",
      USER,
      "--auth-password",
      PASSWORD,
      "--quit-after",
      "AUTH",
      "--ehlo",
      "[127.0.0.1]",
    ]);
    if (run.status !== 0) throw new Error(`swaks failed (${run.status}): ${run.output}`);
    if (i >= 2) swaks.push(performance.now() - started);
  }
  server.close();
  const facteurMs = percentile(facteur, 50);
  const swaksMs = percentile(swaks, 50);
  return {
    facteurMedianMs: Math.round(facteurMs * 10) / 10,
    swaksMedianMs: Math.round(swaksMs * 10) / 10,
    ratio: Math.round((facteurMs / swaksMs) * 100) / 100,
  };
}

async function bulk(dir: string, tls: { key: string; cert: string }): Promise<Record<string, number>> {
  const goods = await Promise.all([1, 2, 3, 4].map(() => smtpServer(tls, true)));
  const slow = await rawServer((socket) => {
    setTimeout(() => socket.writable && socket.write("220 slow.example ESMTP\r\n"), 1_500);
    socket.on("data", (d) => {
      const line = d.toString();
      if (/^EHLO/i.test(line)) socket.write("250-slow.example\r\n250 8BITMIME\r\n");
      else if (/^MAIL/i.test(line)) socket.write("250 2.1.0 Ok\r\n");
      else if (/^QUIT/i.test(line)) socket.end("221 2.0.0 Bye\r\n");
      else socket.write("250 Ok\r\n");
    });
  });
  const dead = await rawServer(() => undefined); // accepts, never greets
  const config = loadConfig({
    FACTEUR_DATA_DIR: dir,
    FACTEUR_LOG_LEVEL: "silent",
    FACTEUR_WORKER: "off",
    // Its 1,000 servers are loopback ports: opened and unthrottled for the measure of the bulk machinery.
    FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*",
    FACTEUR_TARGET_RATE: "0",
    FACTEUR_TARGET_RATE_PER_TARGET: "0",
    FACTEUR_TARGET_PORTS_PER_HOST: "0",
  });
  const ctx = await createContext(config, { logger: createLogger("silent") });
  const now = new Date().toISOString();
  const rows = Array.from({ length: BULK_SERVERS }, (_, i) => {
    const kind =
      i < BULK_SERVERS * DEAD_SHARE ? "dead" : i < BULK_SERVERS * (DEAD_SHARE + SLOW_SHARE) ? "slow" : "good";
    const port = kind === "dead" ? dead.port : kind === "slow" ? slow.port : goods[i % goods.length]!.port;
    const authenticated = kind === "good";
    return {
      title: `Bench ${i}`,
      host: "127.0.0.1",
      port,
      authentication: authenticated ? ("password" as const) : ("none" as const),
      security: "none" as const,
      mail: USER,
      sender_name: "Bench",
      username: USER,
      password_enc: null, // sealed below, bound to each row's id and endpoint
      usage_mode: "all" as const,
      signature_html: "",
      logo_mime: null,
      logo_base64: null,
      priority: 100,
      confirmation_sent_at: null,
      confirmed_at: null,
      confirmed_ip: null,
      last_test_ok: null,
      last_test_code: null,
      last_test_at: null,
      search_text: `bench ${i}`,
      version: 1,
      created_at: now,
      updated_at: now,
    };
  });
  for (let i = 0; i < rows.length; i += 200)
    await ctx.db
      .insertInto("smtp_servers")
      .values(rows.slice(i, i + 200))
      .execute();
  const authenticated = await ctx.db
    .selectFrom("smtp_servers")
    .select(["id", "host", "port", "security", "authentication", "username"])
    .where("authentication", "=", "password")
    .execute();
  for (const row of authenticated)
    await ctx.db
      .updateTable("smtp_servers")
      .set({ password_enc: sealServerPassword(ctx.keyring, row, PASSWORD) })
      .where("id", "=", row.id)
      .execute();
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  const { run, completion } = await startBulkRun(ctx, {});
  await completion;
  const totalMs = performance.now() - started;
  clearInterval(sampler);
  const final = await ctx.db
    .selectFrom("diagnostic_bulk_runs")
    .selectAll()
    .where("id", "=", run.id)
    .executeTakeFirstOrThrow();
  const codes = await ctx.db
    .selectFrom("diagnostic_bulk_items")
    .select(["code"])
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("run_id", "=", run.id)
    .groupBy("code")
    .execute();
  console.log("bulk outcome by code:", Object.fromEntries(codes.map((c) => [c.code ?? "OK", Number(c.n)])));
  for (const s of [...goods, slow, dead]) s.close();
  await ctx.close();
  return {
    servers: final.total,
    ok: final.ok_count,
    concurrency: final.concurrency,
    totalSeconds: Math.round(totalMs / 100) / 10,
    peakRssMiB: Math.round(peakRss / 1024 / 1024),
  };
}

const dir = mkdtempSync(join(tmpdir(), "facteur-bench-diag-"));
try {
  const tls = makeCertificate({ commonName: "localhost", names: ["IP:127.0.0.1"] });
  const single = await singleProbe(dir, tls);
  console.log("single SMTP probe (STARTTLS + AUTH), median of", PROBE_RUNS, single);
  const bulkResult = await bulk(dir, tls);
  console.log(
    `bulk test of ${BULK_SERVERS} servers (${DEAD_SHARE * 100}% dead, ${SLOW_SHARE * 100}% slow)`,
    bulkResult,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
