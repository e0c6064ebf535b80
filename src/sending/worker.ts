import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "pino";
import type { AppContext } from "../app/context.js";
import type { SendingConfig } from "../config/config.js";
import { BatchCommit } from "./batch-commit.js";
import {
  CLAIM_TTL_MS,
  IDLE_POLL_MS,
  planClaim,
  PROBE_MS,
  ServerShares,
  shareLimits,
  type ClaimLimits,
} from "./claim-planner.js";
import { BACKOFF_BASE_MS, retryDelayMs } from "./delivery-policy.js";
import { deliverThroughRoute } from "./delivery.js";
import { logClaimed, logHeldBack, logVerdict } from "./lifecycle-log.js";
import {
  applyVerdicts,
  claimDueMessages,
  releaseClaims,
  settleMessages,
  type ClaimedRow,
} from "./outbox.repository.js";
import { findServerRoute, RouteCache, type RouteCandidate } from "./routing.js";
import {
  heldBackSettlement,
  internalErrorSettlement,
  verdictAfterDelivery,
  type Verdict,
} from "./settlement.js";
import { TransportPool } from "./transport-pool.js";

export const STOP_GRACE_MS = 10_000; // on SIGTERM, in-flight sends get this long before claims are released
/** A message whose server is at its share goes back to the outbox for this long (not an attempt). */
const HOLD_BACK_MS = 1_000;
/** Verdicts gather this long before their commit: the message is sent already, only its slot waits. */
const SETTLE_WINDOW_MS = 5;
const ROUTE_CACHE_TTL_MS = 2_000; // routing changes (edit, confirmation) reach the worker within two seconds

export interface WorkerOptions {
  workerId?: string;
  /** Overrides of the configured sending settings (FACTEUR_WORKER_*, FACTEUR_SMTP_*; tests, bench). */
  config?: Partial<SendingConfig>;
  /** First retry delay; tests shorten it. */
  backoffBaseMs?: number;
  claimTtlMs?: number;
  idlePollMs?: number;
  random?: () => number;
}

/**
 * Claims messages from the outbox and delivers them, as named steps: plan the claim (claim-planner.ts), claim
 * (outbox.repository.ts), route, deliver (delivery.ts), build the verdict (settlement.ts), settle in batches.
 * Any number of workers may share a database.
 */
export class OutboxWorker {
  readonly id: string;
  private readonly config: SendingConfig;
  private readonly limits: ClaimLimits;
  private readonly log: Logger;
  private readonly pool: TransportPool;
  private readonly routes: RouteCache;
  /** Verdicts of messages finishing together: one UPDATE and one INSERT per batch, one commit. */
  private readonly settles: BatchCommit<Verdict, boolean>;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly shares: ServerShares;
  private nextProbeAt = 0;
  /** Sizes (`size_bytes`) of the messages this worker holds. */
  private bytesInFlight = 0;
  private running: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly options: WorkerOptions = {},
  ) {
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.config = { ...ctx.config.sending, ...options.config };
    this.limits = { ...this.config, ...shareLimits(this.config.concurrency) };
    this.log = ctx.logger.child({ workerId: this.id });
    this.pool = new TransportPool(ctx, { ...this.config, log: this.log });
    this.shares = new ServerShares(this.limits.serverShare);
    this.routes = new RouteCache(ctx.db, ROUTE_CACHE_TTL_MS);
    this.settles = new BatchCommit(ctx.db, (trx, verdicts) => applyVerdicts(trx, this.id, verdicts), {
      windowMs: SETTLE_WINDOW_MS,
    });
  }

  /** Starts the claim loop in the background. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop().catch((error: unknown) => {
      this.log.error({ err: error }, "sending worker stopped on an error");
    });
  }

  /**
   * Graceful stop: no new claims, in-flight sends get STOP_GRACE_MS to finish, then the claims of those still
   * running are released for another worker, and connections are closed.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
    await this.drainInFlight(graceMs);
    this.pool.close();
  }

  /** Claims one batch and processes it to the end; returns how many messages it claimed (tests, CLI). */
  async runOnce(): Promise<number> {
    const rows = await this.claim(this.config.batchSize);
    await Promise.all(rows.map((row) => this.track(row)));
    return rows.length;
  }

  /** Processes until nothing is due (tests, `facteur worker --once`). */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      if (n === 0) return total;
      total += n;
    }
  }

  /** Closes pooled connections (after runOnce/drain in tests). */
  close(): void {
    this.pool.close();
  }

  private async loop(): Promise<void> {
    const idle = this.options.idlePollMs ?? IDLE_POLL_MS;
    while (!this.stopping) {
      const now = Date.now();
      const plan = planClaim(
        this.limits,
        {
          inFlight: this.inFlight.size,
          bytesInFlight: this.bytesInFlight,
          busiestServer: this.shares.busiest(),
          unrouted: this.shares.unrouted,
        },
        now >= this.nextProbeAt,
      );
      if (plan.kind === "wait") {
        await this.sleep(idle);
        continue;
      }
      if (plan.probe) this.nextProbeAt = now + PROBE_MS;
      let rows: ClaimedRow[] = [];
      try {
        rows = await this.claim(plan.limit);
      } catch (error) {
        this.log.warn({ err: error }, "claim failed; retrying");
      }
      if (rows.length === 0) {
        await this.sleep(idle);
        continue;
      }
      for (const row of rows) void this.track(row, true);
    }
  }

  /** Waits `ms`, or less: until a message in flight settles or `stop()` is called. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const anyDone = this.inFlight.size > 0 ? Promise.race(this.inFlight.values()) : null;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      void anyDone?.then(done);
    });
  }

  private async claim(limit: number): Promise<ClaimedRow[]> {
    const claimTtlMs = this.options.claimTtlMs ?? CLAIM_TTL_MS;
    const rows = await claimDueMessages(
      this.ctx.db,
      this.ctx.dialect,
      this.id,
      this.ctx.now(),
      claimTtlMs,
      limit,
    );
    logClaimed(this.log, rows);
    return rows;
  }

  private retryDelay(attempt: number): number {
    return retryDelayMs(
      attempt,
      this.options.backoffBaseMs ?? BACKOFF_BASE_MS,
      undefined,
      this.options.random,
    );
  }

  /** @param shared whether the per-server share applies (the claim loop; not runOnce/drain). */
  private track(row: ClaimedRow, shared = false): Promise<void> {
    if (shared) this.shares.unrouted++;
    this.bytesInFlight += row.size_bytes;
    const work = this.process(row, shared)
      .catch(async (error: unknown) => {
        // A bug or a database hiccup: put the message back for a later try rather than wait for the claim TTL.
        this.log.error({ err: error, messageId: row.id }, "message processing failed");
        const retry = internalErrorSettlement(row, this.ctx.now(), this.retryDelay(row.attempt_count + 1));
        await settleMessages(this.ctx.db, this.id, [retry]).catch(() => {});
      })
      .finally(() => {
        this.inFlight.delete(row.id);
        this.bytesInFlight -= row.size_bytes;
      });
    this.inFlight.set(row.id, work);
    return work;
  }

  private async drainInFlight(graceMs: number): Promise<void> {
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), graceMs);
    });
    const result = await Promise.race([Promise.allSettled(this.inFlight.values()), timeout]);
    clearTimeout(timer);
    if (result !== "timeout") return;
    const ids = [...this.inFlight.keys()];
    // Released now rather than after the claim TTL; the unfinished send may still complete: at-least-once.
    await releaseClaims(this.ctx.db, this.id, ids, this.ctx.now().toISOString());
    this.log.warn({ released: ids.length }, "claims released at shutdown");
  }

  private async routeFor(row: ClaimedRow): Promise<RouteCandidate[]> {
    const fixed = row.pinned_server_id ?? row.server_id;
    if (fixed !== null) return findServerRoute(this.ctx.db, fixed);
    return this.routes.get({ departmentId: row.department_id, sendUnconfirmed: this.config.sendUnconfirmed });
  }

  private async process(row: ClaimedRow, shared: boolean): Promise<void> {
    const verdict = await this.verdictFor(row, shared);
    const owned = await this.settles.run(verdict);
    if (owned) logVerdict(this.log, verdict);
    else this.log.warn({ messageId: row.id }, "claim lost before settling");
  }

  /**
   * Routes, then delivers: counts a message against its first server's share from routing to verdict; claimed
   * messages not yet routed count against every server (`unrouted`), so the claim loop never overshoots a share.
   */
  private async verdictFor(row: ClaimedRow, shared: boolean): Promise<Verdict> {
    let route: RouteCandidate[];
    try {
      route = await this.routeFor(row);
    } finally {
      if (shared) this.shares.unrouted--;
    }
    const first = route[0];
    if (!shared || !first) return this.deliver(row, route);
    if (!this.shares.tryTake(first.id)) return this.holdBack(row, first.id);
    try {
      return await this.deliver(row, route);
    } finally {
      this.shares.release(first.id);
    }
  }

  /** Its server holds its whole share: back to the outbox for HOLD_BACK_MS, no attempt counted. */
  private holdBack(row: ClaimedRow, serverId: number): Verdict {
    logHeldBack(this.log, row.id, serverId);
    const settlement = heldBackSettlement(row, this.ctx.now(), HOLD_BACK_MS);
    return { attempts: [], settlement, heldBack: true };
  }

  private async deliver(row: ClaimedRow, route: RouteCandidate[]): Promise<Verdict> {
    const delivery = await deliverThroughRoute(
      { pool: this.pool, workerId: this.id, now: () => this.ctx.now(), log: this.log },
      row,
      route,
    );
    return verdictAfterDelivery(row, delivery, this.ctx.now(), {
      maxAgeMs: this.config.maxAgeMs,
      retryDelayMs: () => this.retryDelay(row.attempt_count + 1),
    });
  }
}
