import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { claimDueMessages } from "../../src/sending/outbox.repository.js";
import { TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { addServer } from "./helpers/fixtures.js";
import { startSmtpSink, type SmtpSink } from "./helpers/smtp-sink.js";
import { createIsolatedTestContext } from "./helpers/store.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";

const MESSAGES = 2_000;

function startWorkerProcess(t: TestContext, name: string): ChildProcess {
  const url = `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`;
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "worker"], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      FACTEUR_DATABASE_URL: url,
      FACTEUR_DATA_DIR: t.dir,
      FACTEUR_LOG_LEVEL: "warn",
      FACTEUR_WORKER_CONCURRENCY: "10",
      FACTEUR_WORKER_BATCH: "25",
      FACTEUR_SMTP_MAX_CONNECTIONS: "3",
      ...LOOPBACK_TARGETS_ENV,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("error", (error) => console.error(name, error));
  return child;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("two worker processes on one PostgreSQL", () => {
  let t: TestContext;
  let sink: SmtpSink;

  beforeAll(async () => {
    t = await createIsolatedTestContext("postgres");
    sink = await startSmtpSink();
    await addServer(t.ctx, { port: sink.port });
  });
  afterAll(async () => {
    await sink.close();
    await t.dispose();
  });

  it("never claims the same message twice when two claims race", async () => {
    for (let i = 0; i < 40; i++)
      await enqueueMessage(
        t.ctx,
        { to: `race${i}@exemple.fr`, subject: `race ${i}`, text: "x" },
        { kind: "cli" },
      );
    const now = new Date(Date.now() + 1_000);
    const [a, b] = await Promise.all([
      claimDueMessages(t.ctx.db, "postgres", "a", now, 60_000, 30),
      claimDueMessages(t.ctx.db, "postgres", "b", now, 60_000, 30),
    ]);
    const ids = [...a, ...b].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(40);
    await t.ctx.db.deleteFrom("outbox_messages").execute();
  });

  it(`delivers ${MESSAGES} messages exactly once with two worker processes`, async () => {
    for (let i = 0; i < MESSAGES; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, j) =>
          enqueueMessage(
            t.ctx,
            { to: `client${i + j}@exemple.fr`, subject: `Facture ${i + j}`, text: "Bonjour" },
            { kind: "cli" },
          ),
        ),
      );
    }
    const workers = [startWorkerProcess(t, "w1"), startWorkerProcess(t, "w2")];
    try {
      await sink.waitFor(MESSAGES, 150_000);
      // Give a duplicate, if any, the time to arrive.
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      for (const w of workers) w.kill("SIGTERM");
    }
    const codes = await Promise.all(workers.map(exited));
    expect(codes).toEqual([0, 0]);
    const subjects = sink.received.map((m) => m.parsed.subject);
    expect(subjects).toHaveLength(MESSAGES);
    expect(new Set(subjects).size).toBe(MESSAGES);
    const rows = await t.ctx.db
      .selectFrom("outbox_messages")
      .select(({ fn }) => ["status", fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    expect(rows.map((r) => [r.status, Number(r.n)])).toEqual([["sent", MESSAGES]]);
    const workerIds = await t.ctx.db.selectFrom("outbox_attempts").select("worker_id").distinct().execute();
    expect(workerIds.length).toBe(2); // both processes took part
  }, 200_000);
});
