import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.js";
import type { StoreKind } from "../helpers/context.js";
import { startCollector, type Collector } from "./helpers/collector.js";
import {
  createScratchDatabase,
  freePort,
  killHard,
  startWeb,
  startWorkerProcess,
  stopGracefully,
  type Role,
  type ScratchDatabase,
} from "./helpers/processes.js";
import { addCollectingServer, issueApiKey, openScratchContext, statusCounts } from "./helpers/setup.js";

/**
 * Crash safety: messages flow from the HTTP API (web processes) through the outbox to a collecting SMTP
 * server (worker processes) while workers and web processes are killed with SIGKILL and restarted.
 * Invariants, counted, never timed: every message answered 202 is delivered at least once; a message delivered
 * twice was claimed by a worker at the moment it was killed; nothing is left queued, claimed or failed.
 *
 * Short by default (CI); FACTEUR_LONG=1 runs 10,000 messages and more kills (docs/RELIABILITY.md).
 */
const LONG = process.env.FACTEUR_LONG === "1";
const MESSAGES = Number(process.env.FACTEUR_CRASH_MESSAGES) || (LONG ? 10_000 : 1_000);
/** Fractions of the messages delivered at which a worker is killed. */
const WORKER_KILLS = LONG ? [0.1, 0.25, 0.4, 0.55, 0.7, 0.85] : [0.25, 0.6];
/** Fractions of the messages accepted at which a web process is killed. */
const WEB_KILLS = LONG ? [0.3, 0.65] : [0.4];
const PRODUCER_CONCURRENCY = 16; // requests in flight, like a busy application
const CLAIM_TTL_MS = 5_000; // a dead worker's messages come back after this (production: 5 min, same code)
const RETRY_PAUSE_MS = 100; // the producer retries with the same Idempotency-Key while a web process restarts
const REQUEST_ATTEMPTS_MAX = 600; // 60 s of retries for one message: far more than a restart takes
const MONITOR_MS = 20;
const DRAIN_SETTLE_MS = 1_500; // after the outbox is empty, a late duplicate would still arrive within this
const BUSY_POLL_MS = 2;
const BUSY_WAIT_MAX_MS = 10_000; // if the worker never holds a claim in 10 s, kill it anyway
const TEST_TIMEOUT_MS = LONG ? 1_800_000 : 300_000;

interface CrashFigures {
  store: StoreKind;
  accepted: number;
  delivered: number;
  duplicated: number;
  lost: number;
  stuck: number;
  failed: number;
  workerKills: number;
  webKills: number;
  inFlightAtKills: number;
  serverErrors: number;
  retriedRequests: number;
}

/** Ids of the messages a worker has claimed and not settled. */
async function heldBy(ctx: AppContext, workerId: string): Promise<number[]> {
  const rows = await ctx.db
    .selectFrom("outbox_messages")
    .select("id")
    .where("claimed_by", "=", workerId)
    .where("status", "=", "sending")
    .execute();
  return rows.map((r) => r.id);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runCrashScenario(store: StoreKind, webCount: number, workerCount: number) {
  const db: ScratchDatabase = await createScratchDatabase(store);
  const collector: Collector = await startCollector();
  const ctx: AppContext = await openScratchContext(db);
  const roles: Role[] = [];
  try {
    await addCollectingServer(ctx, collector.port);
    const apiKey = await issueApiKey(ctx);
    const workerEnv = {
      FACTEUR_REL_CLAIM_TTL_MS: String(CLAIM_TTL_MS),
      FACTEUR_WORKER_CONCURRENCY: "20",
      FACTEUR_WORKER_BATCH: "25",
      FACTEUR_SMTP_MAX_CONNECTIONS: "3",
    };

    const ports = await Promise.all(Array.from({ length: webCount }, () => freePort()));
    const webs: Array<Role | null> = await Promise.all(ports.map((port, i) => startWeb(db, `web${i}`, port)));
    const workers = await Promise.all(
      Array.from({ length: workerCount }, (_, i) => startWorkerProcess(db, `worker${i}`, workerEnv)),
    );
    roles.push(...(webs as Role[]), ...workers);

    // --- producer: every message has its own Idempotency-Key, so a retry after a web kill never doubles it.
    const runId = randomBytes(4).toString("hex");
    const acceptedIds = new Map<number, number>(); // message index → outbox id
    const unexpected: string[] = [];
    let serverErrors = 0;
    let retriedRequests = 0;
    let next = 0;
    const produceOne = async (index: number) => {
      const body = JSON.stringify({
        to: `client${index}@exemple.fr`,
        subject: `Facture ${index}`,
        text: `Bonjour, voici la facture ${index}.`,
      });
      for (let attempt = 0; attempt < REQUEST_ATTEMPTS_MAX; attempt++) {
        const web = (index + attempt) % webCount;
        if (attempt > 0) retriedRequests++;
        if (webs[web] === null) {
          await sleep(RETRY_PAUSE_MS);
          continue;
        }
        try {
          const response = await fetch(`http://127.0.0.1:${ports[web]}/api/v1/messages`, {
            method: "POST",
            headers: {
              authorization: `Bearer ${apiKey}`,
              "content-type": "application/json",
              "idempotency-key": `crash-${runId}-${index}`,
            },
            body,
          });
          const text = await response.text();
          if (response.status === 202) {
            const { id } = JSON.parse(text) as { id: number };
            const earlier = acceptedIds.get(index);
            if (earlier !== undefined && earlier !== id)
              unexpected.push(`key ${index} answered ids ${earlier} and ${id}`);
            acceptedIds.set(index, id);
            return;
          }
          if (response.status >= 500) serverErrors++;
          else return void unexpected.push(`${response.status} ${text.slice(0, 200)}`);
        } catch {
          // connection refused or reset: the web process is being killed or restarted
        }
        await sleep(RETRY_PAUSE_MS);
      }
      unexpected.push(`message ${index} never accepted`);
    };
    const producer = Promise.all(
      Array.from({ length: PRODUCER_CONCURRENCY }, async () => {
        while (next < MESSAGES) await produceOne(next++);
      }),
    );
    let producing = true;
    void producer.finally(() => (producing = false));

    // --- killer: SIGKILL at fixed progress points, restart at once.
    const inFlightAtKills = new Set<number>();
    const heldPerKill: number[] = [];
    const restarts: Array<Promise<void>> = [];
    const workerKillsLeft = [...WORKER_KILLS];
    const webKillsLeft = [...WEB_KILLS];
    let workerKills = 0;
    let webKills = 0;
    const deliveredUnique = () => collector.deliveries.size;
    while (workerKillsLeft.length > 0 || webKillsLeft.length > 0) {
      if (
        webKillsLeft.length > 0 &&
        acceptedIds.size >= webKillsLeft[0]! * MESSAGES &&
        webs[webKills % webCount] !== null
      ) {
        webKillsLeft.shift();
        const target = webKills % webCount;
        const victim = webs[target]!;
        webs[target] = null;
        await killHard(victim);
        webKills++;
        // Restart in the background: the other processes keep working meanwhile, as in production.
        restarts.push(
          startWeb(db, `web${target}-r${webKills}`, ports[target]!).then((role) => {
            webs[target] = role;
            roles.push(role);
          }),
        );
      } else if (
        workerKillsLeft.length > 0 &&
        deliveredUnique() >= workerKillsLeft[0]! * MESSAGES &&
        workers[workerKills % workerCount]!.child.exitCode === null &&
        workers[workerKills % workerCount]!.child.signalCode === null
      ) {
        workerKillsLeft.shift();
        const target = workerKills % workerCount;
        const victim = workers[target]!;
        // Kill it while it holds claims (mid-send), not between two batches: that is the case to prove.
        const deadline = Date.now() + BUSY_WAIT_MAX_MS;
        while (Date.now() < deadline && (await heldBy(ctx, victim.workerId)).length === 0)
          await sleep(BUSY_POLL_MS);
        await killHard(victim);
        workerKills++;
        // What the dead worker held: nobody else may claim these before CLAIM_TTL_MS, so the set is exact.
        const held = await heldBy(ctx, victim.workerId);
        heldPerKill.push(held.length);
        if (process.env.FACTEUR_REL_DEBUG) {
          const claims = await ctx.db
            .selectFrom("outbox_messages")
            .select(["claimed_by", "status"])
            .where("status", "=", "sending")
            .limit(3)
            .execute();
          console.log(
            `victim ${victim.workerId} claims ${JSON.stringify(claims)} ${JSON.stringify(await statusCounts(ctx))} delivered ${deliveredUnique()} accepted ${acceptedIds.size}`,
          );
        }
        for (const id of held) inFlightAtKills.add(id);
        restarts.push(
          startWorkerProcess(db, `worker${target}-r${workerKills}`, workerEnv).then((role) => {
            workers[target] = role;
            roles.push(role);
          }),
        );
      } else if (!producing && acceptedIds.size < MESSAGES * Math.min(...webKillsLeft, 1)) {
        webKillsLeft.length = 0; // the producer gave up early: the assertions below report why
      } else {
        await sleep(MONITOR_MS);
      }
    }
    await producer;
    await Promise.all(restarts);

    // --- drain: wait until nothing is queued or claimed, then give a late duplicate time to land.
    for (;;) {
      const counts = await statusCounts(ctx);
      if ((counts.queued ?? 0) + (counts.sending ?? 0) === 0) break;
      await sleep(200);
    }
    await sleep(DRAIN_SETTLE_MS);

    // --- count
    const accepted = new Set(acceptedIds.values());
    const lost = [...accepted].filter((id) => !collector.deliveries.has(id));
    const duplicated = [...collector.deliveries].filter(([, n]) => n > 1).map(([id]) => id);
    const unexplained = duplicated.filter((id) => !inFlightAtKills.has(id));
    const unacknowledged = [...collector.deliveries.keys()].filter((id) => !accepted.has(id));
    const counts = await statusCounts(ctx);
    const figures: CrashFigures = {
      store,
      accepted: accepted.size,
      delivered: collector.deliveries.size,
      duplicated: duplicated.length,
      lost: lost.length,
      stuck: (counts.queued ?? 0) + (counts.sending ?? 0),
      failed: counts.failed ?? 0,
      workerKills,
      webKills,
      inFlightAtKills: inFlightAtKills.size,
      serverErrors,
      retriedRequests,
    };
    console.log(
      `[crash ${store}] ${webCount} web + ${workerCount} worker processes: accepted ${figures.accepted}, ` +
        `delivered ${figures.delivered}, duplicated ${figures.duplicated} (all in flight at a kill: ` +
        `${unexplained.length === 0}), lost ${figures.lost}, stuck ${figures.stuck}, failed ${figures.failed}, ` +
        `worker kills ${workerKills}, web kills ${webKills}, messages held by killed workers ` +
        `${figures.inFlightAtKills} (${heldPerKill.join("+")}), 5xx ${serverErrors}, retried requests ${retriedRequests}`,
    );

    // --- stop the survivors gracefully: they must exit cleanly after all that.
    const live = roles.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
    const codes = await Promise.all(live.map(stopGracefully));

    return { figures, unexpected, lost, unexplained, unacknowledged, counts, codes, collector };
  } finally {
    for (const role of roles) if (role.child.exitCode === null) role.child.kill("SIGKILL");
    await Promise.all(roles.map((r) => r.exited));
    await ctx.close();
    await collector.close();
    await db.dispose();
  }
}

function expectInvariants(result: Awaited<ReturnType<typeof runCrashScenario>>): void {
  const { figures } = result;
  expect(result.unexpected).toEqual([]);
  expect(figures.accepted).toBe(MESSAGES);
  expect(figures.serverErrors).toBe(0);
  expect(result.lost).toEqual([]); // every 202 delivered at least once
  expect(result.unexplained).toEqual([]); // duplicates only for messages a killed worker held
  expect(result.unacknowledged).toEqual([]); // nothing delivered that the API did not acknowledge
  expect(result.collector.unknown).toBe(0);
  expect(result.counts).toEqual({ sent: MESSAGES }); // none queued, claimed or failed
  expect(figures.workerKills).toBe(WORKER_KILLS.length);
  expect(figures.webKills).toBe(WEB_KILLS.length);
  expect(result.codes.every((c) => c === 0)).toBe(true);
}

describe(`crash safety: ${MESSAGES} messages, kill -9 of workers and web processes`, () => {
  const results: CrashFigures[] = [];
  afterAll(() => {
    if (results.length > 0) console.log(`[crash] figures ${JSON.stringify(results)}`);
  });

  it(
    "SQLite: one web + one worker process, nothing lost, duplicates only for messages in flight at a kill",
    async () => {
      const result = await runCrashScenario("sqlite", 1, 1);
      results.push(result.figures);
      expectInvariants(result);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "PostgreSQL: two web + two worker processes, nothing lost, duplicates only for messages in flight at a kill",
    async () => {
      const result = await runCrashScenario("postgres", 2, 2);
      results.push(result.figures);
      expectInvariants(result);
    },
    TEST_TIMEOUT_MS,
  );
});
