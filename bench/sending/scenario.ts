/**
 * One Facteur measurement in its own process (so peak RSS is Facteur's alone): API accept rate over real HTTP
 * (autocannon, 202 = committed to the outbox), then the end-to-end delivery rate of a worker draining that
 * outbox into the given SMTP sink. Prints one JSON line.
 *
 *   npx tsx bench/sending/scenario.ts <sqlite|postgres> <sinkPort> [--duration 10] [--connections 50]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { createApiKey } from "../../src/auth/admin.service.js";
import { loadConfig } from "../../src/config/config.js";
import { buildApp } from "../../src/http/app.js";
import { createServer } from "../../src/registry/server.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";

const [kind, sinkPortArg] = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DURATION_S = arg("duration", 10);
const CONNECTIONS = arg("connections", 50);
const PG_URL = process.env.FACTEUR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const BODY_2KB = "Bonjour,\n" + "Facteur mesure son débit d'envoi. ".repeat(60).slice(0, 2_030) + "\n";

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

    // (1) API accept rate: 202 only after the insert committed.
    const app = await buildApp(ctx);
    await app.listen({ port: 0, host: "127.0.0.1" });
    const port = (app.server.address() as { port: number }).port;
    const { key } = await createApiKey(ctx, "bench");
    const result = await autocannon({
      url: `http://127.0.0.1:${port}/api/v1/messages`,
      method: "POST",
      connections: CONNECTIONS,
      duration: DURATION_S,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ to: "client@exemple.fr", subject: "Facture", text: BODY_2KB }),
    });
    await app.close();
    const queued = Number(
      (
        await ctx.db
          .selectFrom("outbox_messages")
          .select(({ fn }) => fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
    const acceptRate = queued / DURATION_S;

    // (2) End to end: a worker drains the outbox into the sink; the clock stops when the last one is settled.
    const worker = new OutboxWorker(ctx, {
      config: { concurrency: arg("concurrency", 100), batchSize: arg("batch", 100), maxConnections: 10 },
      idlePollMs: 5,
    });
    const started = process.hrtime.bigint();
    worker.start();
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const left = await ctx.db
        .selectFrom("outbox_messages")
        .select(({ fn }) => fn.countAll<number>().as("n"))
        .where("status", "in", ["queued", "sending"])
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) break;
    }
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
        acceptRate,
        accepted: queued,
        non2xx: result.non2xx,
        sent,
        deliveryRate: sent / seconds,
        deliverySeconds: seconds,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
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
