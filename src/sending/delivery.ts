import type { Logger } from "pino";
import { isFacteurError } from "../domain/errors.js";
import type { OutboxMessage } from "./compose.js";
import { isErrorCode, type DeliveryReason } from "./last-error.js";
import type { Recipient } from "./message.schema.js";
import type { ClaimedRow, NewAttempt } from "./outbox.repository.js";
import type { RouteCandidate } from "./routing.js";
import type { Undelivered } from "./settlement.js";
import { sendThrough, type SendResult, type TransportPool } from "./transport-pool.js";

/**
 * The delivery step of the worker: one claimed message walks its route, one attempt per server tried, and
 * comes back sent or undelivered with the reason. Failover only while no server may hold the content.
 */

export interface DeliveryContext {
  pool: TransportPool;
  workerId: string;
  now: () => Date;
  /** Lifecycle lines (one per attempt), see docs/sending.md "Logs". */
  log: Logger;
}

export type Delivery =
  | { kind: "sent"; attempts: NewAttempt[]; serverId: number; smtpMessageId: string; at: string }
  | { kind: "undelivered"; attempts: NewAttempt[]; undelivered: Undelivered & { retryable: boolean } };

/** The message as the composer reads it, from its claimed row. */
export function decodeMessage(row: ClaimedRow): OutboxMessage {
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

/** The SMTP reply code at the start of a reply line (250 …), if any. */
function replyCode(response: string | null): number | null {
  return Number(/^\d{3}/.exec(response ?? "")?.[0] ?? "") || null;
}

function attemptRow(
  ctx: DeliveryContext,
  messageId: number,
  serverId: number,
  startedAt: string,
  result: SendResult,
): NewAttempt {
  const base = { message_id: messageId, server_id: serverId, worker_id: ctx.workerId, started_at: startedAt };
  const finished_at = ctx.now().toISOString();
  if (result.ok)
    return {
      ...base,
      outcome: "sent",
      stage: null,
      error_code: null,
      response_code: replyCode(result.response),
      response:
        result.rejected.length > 0
          ? `${result.response ?? ""} (rejected: ${result.rejected.join(", ")})`
          : result.response,
      finished_at,
    };
  // Facteur's own refusals (target policy, not a mail server) carry a catalog code: its text is the catalog's.
  const ownCode = result.responseCode === null && isErrorCode(result.errorCode);
  return {
    ...base,
    outcome: result.outcome,
    stage: result.stage,
    error_code: result.errorCode,
    response_code: result.responseCode,
    response: ownCode ? null : result.response,
    finished_at,
  };
}

function logAttempt(log: Logger, attempt: NewAttempt, number: number): void {
  log.info(
    {
      event: "message.attempt",
      messageId: attempt.message_id,
      serverId: attempt.server_id,
      attempt: number,
      outcome: attempt.outcome,
      stage: attempt.stage,
      code: attempt.error_code,
      responseCode: attempt.response_code,
      reply: attempt.response,
    },
    "delivery attempt",
  );
}

/** Tries the route's servers in order until one takes the message or one may hold it. */
export async function deliverThroughRoute(
  ctx: DeliveryContext,
  row: ClaimedRow,
  route: RouteCandidate[],
): Promise<Delivery> {
  const message = decodeMessage(row);
  const attempts: NewAttempt[] = [];
  const attempt = row.attempt_count + 1;
  let reason: DeliveryReason | null = null;
  let anyTemporary = false;
  let pinned: number | null = row.pinned_server_id;

  for (const candidate of route) {
    const startedAt = ctx.now().toISOString();
    let pooled;
    try {
      pooled = await ctx.pool.get(candidate.id, candidate.version);
    } catch (error) {
      if (!isFacteurError(error) || error.code === "SERVER_NOT_FOUND") continue; // deleted since routing read it
      // Its password cannot be opened for its current settings (changed outside Facteur, key missing): nothing
      // is sent through it; the message waits with the coded reason until the password is re-entered.
      reason = { code: error.code };
      anyTemporary = true;
      const unusable: NewAttempt = {
        message_id: row.id,
        server_id: candidate.id,
        worker_id: ctx.workerId,
        outcome: "temporary",
        stage: null,
        error_code: error.code,
        response_code: null,
        response: null,
        started_at: startedAt,
        finished_at: ctx.now().toISOString(),
      };
      attempts.push(unusable);
      logAttempt(ctx.log, unusable, attempt);
      continue;
    }
    const server = pooled;
    const result = await sendThrough(server.transport, message, server.profile, {
      onDeadline: () => ctx.pool.discard(candidate.id, server),
    });
    const tried = attemptRow(ctx, row.id, candidate.id, startedAt, result);
    attempts.push(tried);
    logAttempt(ctx.log, tried, attempt);
    if (result.ok)
      return {
        kind: "sent",
        attempts,
        serverId: candidate.id,
        smtpMessageId: result.messageId,
        at: tried.finished_at,
      };
    const own = isErrorCode(tried.error_code) && tried.response_code === null ? tried.error_code : null;
    reason = own
      ? { code: own, stage: tried.stage }
      : {
          code: result.outcome === "permanent" ? "MESSAGE_REFUSED" : "MESSAGE_TEMPORARY_FAILURE",
          stage: tried.stage,
          transportCode: tried.error_code,
          reply: tried.response,
        };
    if (result.mayHaveBeenAccepted) {
      // The server may hold a copy: another server would make a duplicate, so retries stay here.
      pinned = candidate.id;
      anyTemporary = result.outcome === "temporary";
      break;
    }
    if (result.outcome === "temporary") anyTemporary = true;
  }

  return {
    kind: "undelivered",
    attempts,
    undelivered: {
      attempt,
      reason: reason ?? { code: "MESSAGE_NO_SERVER" },
      // No attempt or a temporary one: an admin may fix the route or the server may take it later.
      retryable: reason === null || anyTemporary,
      pinnedServerId: pinned,
      lastServerId: attempts.at(-1)?.server_id ?? row.last_server_id,
    },
  };
}
