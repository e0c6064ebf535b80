import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { AppContext } from "../app/context.js";
import { incrementCounter } from "../app/metrics.js";
import { isFacteurError } from "../domain/errors.js";
import type { OutboxMessage } from "./compose.js";
import { retryDelayMs, type SendFailure } from "./delivery-policy.js";
import { BatchCommit } from "./batch-commit.js";
import type { Recipient } from "./message.schema.js";
import {
  claimDueMessages,
  insertAttempts,
  settleMessage,
  settleMessages,
  type ClaimedRow,
  type Settlement,
} from "./outbox.repository.js";
import type { OutboxAttemptTable } from "./outbox.table.js";
import { findServerRoute, RouteCache, type RouteCandidate } from "./routing.js";
import {
  BACKOFF_BASE_MS,
  CLAIM_TTL_MS,
  IDLE_POLL_MS,
  loadSendingConfig,
  STOP_GRACE_MS,
  type SendingConfig,
} from "./sending-config.js";
import { sendThrough, TransportPool } from "./transport-pool.js";

/**
 * Head-of-line protection: one server may hold at most the worker's slots minus this share, so a server that
 * accepts connections and never answers cannot stop every other server's mail until its timeouts fire.
 */
const RESERVE_SHARE = 0.25;
/** A message whose server is at its share goes back to the outbox for this long (not an attempt). */
const DEFER_MS = 1_000;
/** While one server is at its share, the reserve is searched for other servers' mail this often. */
const PROBE_MS = 100;
/** Verdicts gather this long before their commit: the message is sent already, only its slot waits. */
const SETTLE_WINDOW_MS = 5;
const ROUTE_CACHE_TTL_MS = 2_000; // routing changes (edit, confirmation) reach the worker within two seconds

export interface WorkerOptions {
  workerId?: string;
  config?: Partial<SendingConfig>;
  /** First retry delay; tests shorten it. */
  backoffBaseMs?: number;
  claimTtlMs?: number;
  idlePollMs?: number;
  random?: () => number;
}

type Verdict = {
  attempts: Array<Omit<OutboxAttemptTable, "id">>;
  settlement: Settlement;
};

function decode(row: ClaimedRow): OutboxMessage {
  return {
    id: row.id,
    createdAt: row.created_at,
    from: row.from_address,
    fromName: row.from_name,
    replyTo: row.reply_to,
    to: JSON.parse(row.to_json) as Recipient[],
    cc: JSON.parse(row.cc_json) as Recipient[],
    bcc: JSON.parse(row.bcc_json) as Recipient[],
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    attachments: row.attachments_json
      ? (JSON.parse(row.attachments_json) as OutboxMessage["attachments"])
      : [],
  };
}

/** A server that could not be used at all (no connection made): worth a later try once an admin fixes it. */
function unusableServer(code: string, text: string): SendFailure {
  return {
    outcome: "temporary",
    mayHaveBeenAccepted: false,
    stage: null,
    errorCode: code,
    responseCode: null,
    response: text,
  };
}

function describeFailure(failure: Pick<SendFailure, "stage" | "errorCode" | "response">): string {
  return [failure.stage, failure.errorCode, failure.response].filter(Boolean).join(" · ").slice(0, 1_000);
}

/**
 * Claims messages from the outbox and delivers them: routing, pooled transports, retries with backoff,
 * failover only while no server may have accepted the content. Any number of workers may share a database.
 */
export class OutboxWorker {
  readonly id: string;
  private readonly config: SendingConfig;
  private readonly pool: TransportPool;
  private readonly routes: RouteCache;
  /** Verdicts of messages finishing together: one UPDATE and one INSERT per batch, one commit. */
  private readonly settles: BatchCommit<Verdict, boolean>;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Sends in progress (or waiting in its pool) per server: the head-of-line share is counted on it. */
  private readonly load = new Map<number, number>();
  private readonly reserve: number;
  private readonly serverShare: number;
  private nextProbeAt = 0;
  private unrouted = 0;
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
    this.config = { ...loadSendingConfig(), ...options.config };
    this.pool = new TransportPool(ctx, this.config);
    this.reserve = Math.max(1, Math.ceil(this.config.concurrency * RESERVE_SHARE));
    this.serverShare = Math.max(1, this.config.concurrency - this.reserve);
    this.routes = new RouteCache(ctx.db, ROUTE_CACHE_TTL_MS);
    this.settles = new BatchCommit(
      ctx.db,
      async (trx, verdicts) => {
        const settled = await settleMessages(
          trx,
          this.id,
          verdicts.map((v) => v.settlement),
        );
        // A message whose claim expired and was taken over is the other worker's: keep the history anyway.
        await insertAttempts(
          trx,
          verdicts.flatMap((v) => v.attempts),
        );
        return verdicts.map((v) => settled.has(v.settlement.id));
      },
      { windowMs: SETTLE_WINDOW_MS },
    );
  }

  /** Starts the claim loop in the background. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop().catch((error: unknown) => {
      this.ctx.logger.error({ err: error, workerId: this.id }, "sending worker stopped on an error");
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
    while (!this.stopping) {
      const room = this.config.concurrency - this.inFlight.size;
      // Never claim more than the busiest server can still take: a claimed message it cannot take would only
      // go back to the outbox.
      const headroom = this.serverShare - Math.max(0, ...this.load.values()) - this.unrouted;
      let limit = Math.min(room, this.config.batchSize, headroom);
      // Claim in batches: waiting until half a batch of room is free costs little latency and saves one
      // claiming write per message.
      const worthClaiming = Math.min(Math.ceil(this.config.batchSize / 2), this.serverShare);
      if (this.inFlight.size > 0 && this.bytesInFlight >= this.config.maxBytesInFlight) {
        await this.sleep(this.options.idlePollMs ?? IDLE_POLL_MS);
        continue;
      }
      if (this.inFlight.size > 0 && limit < worthClaiming) {
        const now = Date.now();
        if (headroom > 0 || room <= 0 || now < this.nextProbeAt) {
          await this.sleep(this.options.idlePollMs ?? IDLE_POLL_MS);
          continue;
        }
        // One server holds its whole share: look for other servers' mail with the reserved slots.
        this.nextProbeAt = now + PROBE_MS;
        limit = Math.min(room, this.reserve);
      }
      let rows: ClaimedRow[] = [];
      try {
        rows = await this.claim(limit);
      } catch (error) {
        this.ctx.logger.warn({ err: error, workerId: this.id }, "claim failed; retrying");
      }
      if (rows.length === 0) {
        await this.sleep(this.options.idlePollMs ?? IDLE_POLL_MS);
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

  private claim(limit: number): Promise<ClaimedRow[]> {
    return claimDueMessages(
      this.ctx.db,
      this.ctx.dialect,
      this.id,
      this.ctx.now(),
      this.options.claimTtlMs ?? CLAIM_TTL_MS,
      limit,
    );
  }

  /** @param shared whether the per-server share applies (the claim loop; not runOnce/drain). */
  private track(row: ClaimedRow, shared = false): Promise<void> {
    if (shared) this.unrouted++;
    this.bytesInFlight += row.size_bytes;
    const work = this.process(row, shared)
      .catch(async (error: unknown) => {
        // A bug or a database hiccup: put the message back for a later try rather than wait for the claim TTL.
        this.ctx.logger.error({ err: error, messageId: row.id }, "message processing failed");
        const now = this.ctx.now();
        const delay = retryDelayMs(row.attempt_count + 1, this.options.backoffBaseMs ?? BACKOFF_BASE_MS);
        await settleMessage(this.ctx.db, row.id, this.id, {
          status: "queued",
          claimed_by: null,
          due_at: new Date(now.getTime() + delay).toISOString(),
          attempt_count: row.attempt_count + 1,
          last_error: `INTERNAL · ${error instanceof Error ? error.message : String(error)}`.slice(0, 1_000),
          updated_at: now.toISOString(),
        }).catch(() => {});
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
    await this.ctx.db
      .updateTable("outbox_messages")
      .set({ status: "queued", claimed_by: null, due_at: this.ctx.now().toISOString() })
      .where("id", "in", ids)
      .where("claimed_by", "=", this.id)
      .where("status", "=", "sending")
      .execute();
    this.ctx.logger.warn({ workerId: this.id, released: ids.length }, "claims released at shutdown");
  }

  private async routeFor(row: ClaimedRow): Promise<RouteCandidate[]> {
    const fixed = row.pinned_server_id ?? row.server_id;
    if (fixed !== null) return findServerRoute(this.ctx.db, fixed);
    return this.routes.get({ departmentId: row.department_id, sendUnconfirmed: this.config.sendUnconfirmed });
  }

  private async process(row: ClaimedRow, shared: boolean): Promise<void> {
    const owned = await this.settles.run(await this.deliver(row, shared));
    if (!owned) this.ctx.logger.warn({ messageId: row.id, workerId: this.id }, "claim lost before settling");
  }

  /** Puts a message back for DEFER_MS without counting an attempt. */
  private defer(row: ClaimedRow, serverId: number): Verdict {
    incrementCounter(
      "facteur_sending_deferred_total",
      "Messages put back for a second because their server held its whole share of a worker's slots",
      { server: String(serverId) },
    );
    const now = this.ctx.now();
    return {
      attempts: [],
      settlement: {
        id: row.id,
        status: "queued",
        dueAt: new Date(now.getTime() + DEFER_MS).toISOString(),
        pinnedServerId: null,
        attemptCount: row.attempt_count,
        lastServerId: row.last_server_id,
        lastError: row.last_error,
        smtpMessageId: null,
        sentAt: null,
        updatedAt: now.toISOString(),
      },
    };
  }

  /**
   * Counts a message against its first server's share from routing to verdict; claimed messages not yet
   * routed count against every server (`unrouted`), so the claim loop never overshoots a share.
   */
  private async deliver(row: ClaimedRow, shared: boolean): Promise<Verdict> {
    let route: RouteCandidate[];
    try {
      route = await this.routeFor(row);
    } finally {
      if (shared) this.unrouted--;
    }
    const first = route[0];
    if (!shared || !first) return this.deliverRouted(row, route);
    if ((this.load.get(first.id) ?? 0) >= this.serverShare) return this.defer(row, first.id);
    this.load.set(first.id, (this.load.get(first.id) ?? 0) + 1);
    try {
      return await this.deliverRouted(row, route);
    } finally {
      const left = (this.load.get(first.id) ?? 1) - 1;
      if (left > 0) this.load.set(first.id, left);
      else this.load.delete(first.id);
    }
  }

  private async deliverRouted(row: ClaimedRow, route: RouteCandidate[]): Promise<Verdict> {
    const message = decode(row);
    const attempts: Verdict["attempts"] = [];
    const attemptCount = row.attempt_count + 1;
    let lastFailure: SendFailure | null = null;
    let anyTemporary = false;
    let pinned: number | null = row.pinned_server_id;

    for (const candidate of route) {
      const startedAt = this.ctx.now().toISOString();
      let entry;
      try {
        entry = await this.pool.get(candidate.id, candidate.version);
      } catch (error) {
        if (!isFacteurError(error) || error.code === "SERVER_NOT_FOUND") continue; // deleted since routing read it
        // Its password cannot be opened for its current settings (changed outside Facteur, key missing):
        // nothing is sent through it; the message waits with the coded reason until the password is re-entered.
        lastFailure = unusableServer(error.code, error.message);
        anyTemporary = true;
        attempts.push({
          message_id: row.id,
          server_id: candidate.id,
          worker_id: this.id,
          outcome: lastFailure.outcome,
          stage: null,
          error_code: error.code,
          response_code: null,
          response: error.message,
          started_at: startedAt,
          finished_at: this.ctx.now().toISOString(),
        });
        continue;
      }
      const pooled = entry;
      const result = await sendThrough(pooled.transport, message, pooled.profile, {
        onDeadline: () => this.pool.discard(candidate.id, pooled),
      });
      const finishedAt = this.ctx.now().toISOString();
      if (result.ok) {
        attempts.push({
          message_id: row.id,
          server_id: candidate.id,
          worker_id: this.id,
          outcome: "sent",
          stage: null,
          error_code: null,
          response_code: Number(/^\d{3}/.exec(result.response ?? "")?.[0] ?? "") || null,
          response:
            result.rejected.length > 0
              ? `${result.response ?? ""} (rejected: ${result.rejected.join(", ")})`
              : result.response,
          started_at: startedAt,
          finished_at: finishedAt,
        });
        return {
          attempts,
          settlement: {
            id: row.id,
            status: "sent",
            dueAt: null,
            pinnedServerId: null,
            attemptCount,
            lastServerId: candidate.id,
            lastError: null,
            smtpMessageId: result.messageId,
            sentAt: finishedAt,
            updatedAt: finishedAt,
          },
        };
      }
      attempts.push({
        message_id: row.id,
        server_id: candidate.id,
        worker_id: this.id,
        outcome: result.outcome,
        stage: result.stage,
        error_code: result.errorCode,
        response_code: result.responseCode,
        response: result.response,
        started_at: startedAt,
        finished_at: finishedAt,
      });
      lastFailure = result;
      if (result.mayHaveBeenAccepted) {
        // The server may hold a copy: another server would make a duplicate, so retries stay here.
        pinned = candidate.id;
        anyTemporary = result.outcome === "temporary";
        break;
      }
      if (result.outcome === "temporary") anyTemporary = true;
    }

    const now = this.ctx.now();
    const lastServer = attempts.at(-1)?.server_id ?? row.last_server_id;
    const reason = lastFailure
      ? describeFailure(lastFailure)
      : "NO_ROUTE · no usable server for this message";
    const retryable = lastFailure === null || anyTemporary;
    const age = now.getTime() - Date.parse(row.created_at);
    if (retryable && age < this.config.maxAgeMs) {
      const delay = retryDelayMs(
        attemptCount,
        this.options.backoffBaseMs ?? BACKOFF_BASE_MS,
        undefined,
        this.options.random,
      );
      return {
        attempts,
        settlement: {
          id: row.id,
          status: "queued",
          dueAt: new Date(now.getTime() + delay).toISOString(),
          pinnedServerId: pinned,
          attemptCount,
          lastServerId: lastServer,
          lastError: reason,
          smtpMessageId: null,
          sentAt: null,
          updatedAt: now.toISOString(),
        },
      };
    }
    return {
      attempts,
      settlement: {
        id: row.id,
        status: "failed",
        dueAt: null,
        pinnedServerId: pinned,
        attemptCount,
        lastServerId: lastServer,
        lastError: retryable ? `EXPIRED · ${reason}` : reason,
        smtpMessageId: null,
        sentAt: null,
        updatedAt: now.toISOString(),
      },
    };
  }
}
