import type { AppContext } from "../app/context.js";
import { FacteurError, isFacteurError } from "../domain/errors.js";
import {
  countBulkItemDone,
  finishBulkItem,
  finishBulkRun,
  insertBulkRun,
  selectBulkItemsFinishedAfter,
  selectBulkRun,
  selectServerIdsToTest,
  type BulkRunRow,
} from "./diagnostics.repository.js";
import type { BulkRunStatus } from "./diagnostics.table.js";
import { testStoredServer } from "./diagnostics.service.js";
import type { ProbeTimeouts } from "./timeouts.js";

/**
 * 100 tests at once: each is one socket and ~150 KiB, each target server sees one connection; with dead
 * servers waiting out their 5 s timeouts, 1,000 servers finish in about 10 s (bench/diagnostics).
 */
export const BULK_CONCURRENCY_DEFAULT = 100;
/** Above this, a bulk test looks like a port scan to the networks in between. */
export const BULK_CONCURRENCY_MAX = 200;
/** One run covers at most this many servers (a registry bigger than that is tested in several runs). */
export const BULK_MAX_SERVERS = 10_000;
/**
 * A bulk run reports, it does not investigate: shorter waits than a single test, and no alternatives
 * (which would multiply connections by four). Dead servers time out in 5 s instead of 10.
 */
export const BULK_TIMEOUTS: Partial<ProbeTimeouts> = {
  connectMs: 5_000,
  greetingMs: 5_000,
  commandMs: 10_000,
};

export interface BulkRun {
  id: number;
  status: BulkRunStatus;
  total: number;
  done: number;
  ok: number;
  concurrency: number;
  createdAt: string;
  finishedAt: string | null;
}

export interface BulkProgressEvent {
  /** Position in finishing order: the SSE event id, resumable with Last-Event-ID. */
  seq: number;
  serverId: number;
  ok: boolean;
  code: string | null;
  durationMs: number;
  finishedAt: string;
}

export interface StartedBulkRun {
  run: BulkRun;
  /** Resolves when every server was tested (the HTTP route does not wait for it; tests and CLI do). */
  completion: Promise<void>;
}

function toRun(row: BulkRunRow): BulkRun {
  return {
    id: row.id,
    status: row.status,
    total: row.total,
    done: row.done_count,
    ok: row.ok_count,
    concurrency: row.concurrency,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

async function recordItem(
  ctx: AppContext,
  runId: number,
  itemId: number,
  outcome: { ok: boolean; code: string | null; durationMs: number },
): Promise<void> {
  const finishedAt = ctx.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const seq = await countBulkItemDone(trx, runId, outcome.ok);
    await finishBulkItem(trx, itemId, {
      ok: outcome.ok ? 1 : 0,
      code: outcome.code,
      duration_ms: outcome.durationMs,
      finished_at: finishedAt,
      finished_seq: seq,
    });
  });
}

async function execute(
  ctx: AppContext,
  runId: number,
  items: Array<{ id: number; server_id: number }>,
  concurrency: number,
  timeouts: Partial<ProbeTimeouts>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const item = items[next++];
      if (!item) return;
      const started = performance.now();
      let outcome: { ok: boolean; code: string | null; durationMs: number };
      try {
        const result = await testStoredServer(ctx, item.server_id, {
          tryAlternatives: false,
          timeouts,
          kind: "bulk",
        });
        outcome = { ok: result.ok, code: result.failure?.code ?? null, durationMs: result.durationMs };
      } catch (error) {
        // A server deleted during the run, an undecryptable password…: that item fails, the run goes on.
        if (!isFacteurError(error))
          ctx.logger.error({ err: error, serverId: item.server_id }, "bulk test item failed");
        outcome = {
          ok: false,
          code: isFacteurError(error) ? error.code : "INTERNAL",
          durationMs: Math.round(performance.now() - started),
        };
      }
      await recordItem(ctx, runId, item.id, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  await finishBulkRun(ctx.db, runId, ctx.now().toISOString());
}

/**
 * Starts testing many stored servers (all of them, or the given ids) with bounded concurrency. The run
 * and its items are rows, so any web instance can stream progress; the tests themselves run in this
 * process (if it stops, the run stays "running" with its pending items: start a new one).
 */
export async function startBulkRun(
  ctx: AppContext,
  options: {
    serverIds?: number[] | undefined;
    concurrency?: number | undefined;
    timeouts?: Partial<ProbeTimeouts> | undefined;
  } = {},
): Promise<StartedBulkRun> {
  const concurrency = Math.min(
    Math.max(1, options.concurrency ?? BULK_CONCURRENCY_DEFAULT),
    BULK_CONCURRENCY_MAX,
  );
  const wanted = options.serverIds ? [...new Set(options.serverIds)] : undefined;
  if (wanted?.length === 0) throw new FacteurError("VALIDATION_FAILED", { meta: { serverIds: "empty" } });
  const ids = await selectServerIdsToTest(ctx.db, wanted, BULK_MAX_SERVERS + 1);
  if (options.serverIds && ids.length !== new Set(options.serverIds).size)
    throw new FacteurError("SERVER_NOT_FOUND");
  if (ids.length > BULK_MAX_SERVERS)
    throw new FacteurError("VALIDATION_FAILED", { meta: { max: BULK_MAX_SERVERS } });
  const createdAt = ctx.now().toISOString();
  const { run, items } = await ctx.db.transaction().execute((trx) =>
    insertBulkRun(
      trx,
      {
        status: ids.length === 0 ? "done" : "running",
        total: ids.length,
        done_count: 0,
        ok_count: 0,
        concurrency,
        created_at: createdAt,
        finished_at: ids.length === 0 ? createdAt : null,
      },
      ids,
    ),
  );
  const completion = execute(ctx, run.id, items, concurrency, options.timeouts ?? BULK_TIMEOUTS).catch(
    (error: unknown) => {
      ctx.logger.error({ err: error, runId: run.id }, "bulk test run failed");
    },
  );
  return { run: toRun(run), completion };
}

export async function getBulkRun(ctx: AppContext, id: number): Promise<BulkRun> {
  const row = await selectBulkRun(ctx.db, id);
  if (!row) throw new FacteurError("BULK_RUN_NOT_FOUND", { meta: { id } });
  return toRun(row);
}

/** Items of a run finished after `afterSeq`, in finishing order (what the event stream sends next). */
export async function bulkEventsAfter(
  ctx: AppContext,
  runId: number,
  afterSeq: number,
  limit = 500,
): Promise<BulkProgressEvent[]> {
  const rows = await selectBulkItemsFinishedAfter(ctx.db, runId, afterSeq, limit);
  return rows.map((r) => ({
    seq: r.finished_seq!,
    serverId: r.server_id,
    ok: r.ok === 1,
    code: r.code,
    durationMs: r.duration_ms ?? 0,
    finishedAt: r.finished_at!,
  }));
}
