import type { Logger } from "pino";
import { incrementCounter } from "../app/metrics.js";
import { explainLastError } from "./last-error.js";
import type { ClaimedRow } from "./outbox.repository.js";
import type { Verdict } from "./settlement.js";

/**
 * One line per message lifecycle event, with stable fields (docs/sending.md "Logs"): `event` (message.queued,
 * message.claimed, message.attempt, message.sent, message.deferred, message.failed), `messageId`, `serverId`,
 * `attempt` (1 for the first try), and the worker's `workerId` from its child logger. Replies are the server's
 * words with secrets removed (transport-pool.ts); bodies and addresses are never logged.
 */

export function logClaimed(log: Logger, rows: ClaimedRow[]): void {
  for (const row of rows)
    log.info(
      { event: "message.claimed", messageId: row.id, attempt: row.attempt_count + 1 },
      "message claimed",
    );
}

/** The verdict's line, once it is committed (a held-back message was logged when it was put back). */
export function logVerdict(log: Logger, verdict: Verdict): void {
  const s = verdict.settlement;
  if (verdict.heldBack) return;
  const fields = { messageId: s.id, serverId: s.lastServerId, attempt: s.attemptCount };
  if (s.status === "sent") {
    log.info({ event: "message.sent", ...fields, smtpMessageId: s.smtpMessageId }, "message sent");
    return;
  }
  const code = explainLastError(s.lastError).code;
  if (s.status === "queued")
    log.info({ event: "message.deferred", ...fields, code, nextAttemptAt: s.dueAt }, "message deferred");
  else log.info({ event: "message.failed", ...fields, code }, "message failed");
}

/** A claimed message put back because its server held its whole share (debug: up to one a second each). */
export function logHeldBack(log: Logger, messageId: number, serverId: number): void {
  incrementCounter(
    "facteur_sending_deferred_total",
    "Messages put back for a second because their server held its whole share of a worker's slots",
    { server: String(serverId) },
  );
  log.debug({ event: "message.held", messageId, serverId }, "message held back");
}
