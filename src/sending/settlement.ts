import type { Delivery } from "./delivery.js";
import { formatReason, type DeliveryReason } from "./last-error.js";
import type { ClaimedRow, NewAttempt, Settlement } from "./outbox.repository.js";

/**
 * One builder per verdict on a claimed message: sent, held back (its server at its share), queued for a retry,
 * failed. Pure: the worker gathers them and one statement applies a batch (outbox.repository settleMessages).
 */

/** A claimed message as settling needs it. */
export type SettledRow = Pick<
  ClaimedRow,
  "id" | "attempt_count" | "last_server_id" | "last_error" | "created_at"
>;

export interface Verdict {
  attempts: NewAttempt[];
  settlement: Settlement;
  /** Put back without an attempt (its server held its whole share). */
  heldBack?: boolean;
}

/** Delivered: `attempt` is the attempt count including this one. */
export function sentSettlement(
  row: SettledRow,
  sent: { serverId: number; smtpMessageId: string; at: string; attempt: number },
): Settlement {
  return {
    id: row.id,
    status: "sent",
    dueAt: null,
    pinnedServerId: null,
    attemptCount: sent.attempt,
    lastServerId: sent.serverId,
    lastError: null,
    smtpMessageId: sent.smtpMessageId,
    sentAt: sent.at,
    updatedAt: sent.at,
  };
}

/** Put back for `delayMs` without counting an attempt (its server held its whole share of the worker). */
export function heldBackSettlement(row: SettledRow, now: Date, delayMs: number): Settlement {
  return {
    id: row.id,
    status: "queued",
    dueAt: new Date(now.getTime() + delayMs).toISOString(),
    pinnedServerId: null,
    attemptCount: row.attempt_count,
    lastServerId: row.last_server_id,
    lastError: row.last_error,
    smtpMessageId: null,
    sentAt: null,
    updatedAt: now.toISOString(),
  };
}

/** What the failed attempts of one claim leave behind. */
export interface Undelivered {
  /** Attempt count including this claim's. */
  attempt: number;
  /** Why; a message no server could be tried for says MESSAGE_NO_SERVER. */
  reason: DeliveryReason;
  /** The server a may-have-been-accepted failure ties it to (never removed once set); null keeps the pin. */
  pinnedServerId: number | null;
  lastServerId: number | null;
}

/** Back to the outbox, due again after `delayMs`. */
export function retrySettlement(
  row: SettledRow,
  undelivered: Undelivered,
  now: Date,
  delayMs: number,
): Settlement {
  return {
    id: row.id,
    status: "queued",
    dueAt: new Date(now.getTime() + delayMs).toISOString(),
    pinnedServerId: undelivered.pinnedServerId,
    attemptCount: undelivered.attempt,
    lastServerId: undelivered.lastServerId,
    lastError: formatReason(undelivered.reason),
    smtpMessageId: null,
    sentAt: null,
    updatedAt: now.toISOString(),
  };
}

/** Failed for good: refused permanently, or `expired` (older than FACTEUR_SEND_MAX_AGE_HOURS). */
export function failedSettlement(
  row: SettledRow,
  undelivered: Undelivered,
  now: Date,
  expired: boolean,
): Settlement {
  return {
    id: row.id,
    status: "failed",
    dueAt: null,
    pinnedServerId: undelivered.pinnedServerId,
    attemptCount: undelivered.attempt,
    lastServerId: undelivered.lastServerId,
    lastError: formatReason(undelivered.reason, expired),
    smtpMessageId: null,
    sentAt: null,
    updatedAt: now.toISOString(),
  };
}

/**
 * Retry or give up: a message that may still get through (a temporary failure, or no server to try) is retried
 * until it is older than `maxAgeMs`; only permanent refusals fail at once.
 */
export function settlementAfterFailure(
  row: SettledRow,
  undelivered: Undelivered & { retryable: boolean },
  now: Date,
  policy: { maxAgeMs: number; retryDelayMs: () => number },
): Settlement {
  if (!undelivered.retryable) return failedSettlement(row, undelivered, now, false);
  const age = now.getTime() - Date.parse(row.created_at);
  if (age < policy.maxAgeMs) return retrySettlement(row, undelivered, now, policy.retryDelayMs());
  return failedSettlement(row, undelivered, now, true);
}

/** The verdict on a delivery step's result (delivery.ts). */
export function verdictAfterDelivery(
  row: SettledRow,
  delivery: Delivery,
  now: Date,
  policy: { maxAgeMs: number; retryDelayMs: () => number },
): Verdict {
  if (delivery.kind === "sent")
    return {
      attempts: delivery.attempts,
      settlement: sentSettlement(row, { ...delivery, attempt: row.attempt_count + 1 }),
    };
  return {
    attempts: delivery.attempts,
    settlement: settlementAfterFailure(row, delivery.undelivered, now, policy),
  };
}

/** Processing broke (a bug, the database): back for a later try rather than after the claim TTL. */
export function internalErrorSettlement(row: SettledRow, now: Date, delayMs: number): Settlement {
  const undelivered: Undelivered = {
    attempt: row.attempt_count + 1,
    reason: { code: "INTERNAL" },
    pinnedServerId: null,
    lastServerId: row.last_server_id,
  };
  return retrySettlement(row, undelivered, now, delayMs);
}
