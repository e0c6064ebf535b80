/**
 * One Facteur in its own process (so peak RSS is Facteur's alone), driven by bench/sending/run.ts: serves the
 * API until a line arrives on stdin (the parent measures the accept rate with autocannon), then a worker drains
 * the outbox into the given SMTP sink and one JSON line reports the delivery rate and peak RSS.
 *
 *   npx tsx bench/sending/scenario.ts <sqlite|postgres> <sinkPort>
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "node:inspector/promises";
import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";
import { sql } from "kysely";
import pg from "pg";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { createApiKey } from "../../src/auth/admin.service.js";
import { loadConfig } from "../../src/config/config.js";
import { buildApp } from "../../src/http/app.js";
import { createServer } from "../../src/registry/server.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { numberArg } from "../lib/cli.js";

const [kind, sinkPortArg] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => (await lines.next()).value as string | undefined;
/** BENCH_PROFILE_DIR=dir: a V8 CPU profile of each phase (accept, deliver) for chrome://inspect or speedscope. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
async function profile<T>(phase: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return work();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await work();
  } finally {
    const { profile: data } = await session.post("Profiler.stop");
    writeFileSync(join(PROFILE_DIR, `${kind}-${phase}.cpuprofile`), JSON.stringify(data));
    session.disconnect();
  }
}
const PG_URL = process.env.FACTEUR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "facteur-bench-"));
  let databaseUrl = `sqlite:${join(dir, "facteur.db")}`;
  let pgSchema: string | undefined;
  if (kind === "postgres") {
    pgSchema = `bench_${randomBytes(4).toString("hex")}`;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${pgSchema}`);
    await client.end();
    databaseUrl = PG_URL;
  }
  const config = loadConfig({
    FACTEUR_DATA_DIR: dir,
    FACTEUR_DATABASE_URL: databaseUrl,
    FACTEUR_WORKER: "off",
    // The sink listens on loopback, which the outbound target policy closes unless named (as bench-context.ts).
    FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*",
  });
  const ctx = await createContext(config, {
    logger: createLogger("silent"),
    ...(pgSchema ? { pgSchema } : {}),
  });
  try {
    const { server } = await createServer(ctx, {
      title: "smtp-sink",
      host: "127.0.0.1",
      port: Number(sinkPortArg),
      authentication: "none",
      security: "none",
      mail: "bench@exemple.fr",
      senderName: "Banc d'essai",
      username: "bench",
      usage: { mode: "all" },
      signatureHtml: "<p>Banc d'essai</p>",
      logo: null,
      priority: 1,
    } as never);
    await ctx.db
      .updateTable("smtp_servers")
      .set({ confirmed_at: new Date().toISOString() })
      .where("id", "=", server.id)
      .execute();

    // (1) API accept rate: the parent drives autocannon (so its memory is not ours) and counts 202s, which
    // Facteur sends only after the insert committed.
    const app = await buildApp(ctx);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as { port: number }).port;
    const { key } = await createApiKey(ctx, "bench");
    console.log(JSON.stringify({ ready: true, port, key }));
    await profile("accept", () => nextLine());
    await app.close();
    const acceptPeakRssMb = process.resourceUsage().maxRSS / 1024;
    const queued = Number(
      (
        await ctx.db
          .selectFrom("outbox_messages")
          .select(({ fn }) => fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

    // (2) End to end: a worker drains the outbox into the sink; the clock stops when the last one is settled.
    const worker = new OutboxWorker(ctx, {
      // Shipped settings (FACTEUR_WORKER_*), except 10 connections to the server, as smtp-source's 10 sessions.
      config: {
        ...(process.argv.includes("--concurrency") ? { concurrency: numberArg("concurrency", 100) } : {}),
        ...(process.argv.includes("--batch") ? { batchSize: numberArg("batch", 50) } : {}),
        maxConnections: 10,
      },
      idlePollMs: 5,
    });
    const started = process.hrtime.bigint();
    await profile("deliver", async () => {
      worker.start();
      for (;;) {
        await new Promise((r) => setTimeout(r, 50));
        // Is any message left? One entry of the claim index (a count would scan the backlog every poll).
        const left = await sql`select id from outbox_messages
          where status in ('queued', 'sending') limit 1`.execute(ctx.db);
        if (left.rows.length === 0) break;
      }
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await worker.stop();
    const sent = Number(
      (
        await ctx.db
          .selectFrom("outbox_messages")
          .select(({ fn }) => fn.countAll<number>().as("n"))
          .where("status", "=", "sent")
          .executeTakeFirstOrThrow()
      ).n,
    );
    console.log(
      JSON.stringify({
        kind,
        accepted: queued,
        sent,
        deliveryRate: sent / seconds,
        deliverySeconds: seconds,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        acceptPeakRssMb,
      }),
    );
  } finally {
    await ctx.close();
    if (pgSchema) {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA ${pgSchema} CASCADE`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
// stdin (the control channel) would keep the process alive.
process.exit(0);
