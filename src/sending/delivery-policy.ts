import { isAuthExchange, smtpAuthReply } from "../secrets/auth-reply.js";
import type { AttemptOutcome } from "./outbox.table.js";

export const BACKOFF_BASE_MS = 30_000; // first retry after ~30 s: greylisting usually lifts within minutes
export const BACKOFF_MAX_MS = 60 * 60_000; // never wait more than an hour between tries

/** What the worker needs to know about one failed try, whatever produced it. */
export interface SendFailure {
  outcome: Exclude<AttemptOutcome, "sent">;
  /**
   * True once the message content may have reached the server (the DATA stream started): the server may have
   * queued it even if we never saw its reply, so we never hand the message to another server.
   */
  mayHaveBeenAccepted: boolean;
  stage: string | null;
  errorCode: string | null;
  responseCode: number | null;
  response: string | null;
}

/** nodemailer codes that say the connection, not the message, failed: worth retrying. */
const TRANSIENT_CODES = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS", "ECONNREFUSED"]);
/**
 * Codes raised before any server reply, for a message no server will ever take as is; the target policy's
 * refusal of the address or port too (FACTEUR_TARGETS_*: retrying cannot change it). Its rate limits are
 * temporary like any other connection failure.
 */
const PERMANENT_LOCAL_CODES = new Set([
  "EENVELOPE",
  "EMESSAGE",
  "EREQUIRETLS",
  "TARGET_BLOCKED",
  "TARGET_PORT_BLOCKED",
]);

interface NodemailerError {
  code?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  message?: string;
}

/**
 * The one reply classifier of sending (Haraka's rule): 5xx permanent, 4xx temporary; without a reply,
 * network trouble is temporary and a message nodemailer itself refuses is permanent.
 */
export function classifySendError(error: unknown, dataStreamStarted: boolean): SendFailure {
  const e = (error ?? {}) as NodemailerError;
  const responseCode = typeof e.responseCode === "number" ? e.responseCode : null;
  let outcome: SendFailure["outcome"];
  if (responseCode !== null && responseCode >= 500) outcome = "permanent";
  else if (responseCode !== null && responseCode >= 400) outcome = "temporary";
  else if (e.code && TRANSIENT_CODES.has(e.code)) outcome = "temporary";
  else if (e.code && PERMANENT_LOCAL_CODES.has(e.code)) outcome = "permanent";
  else outcome = "temporary";
  // nodemailer reports every socket error as command CONN, whatever the stage: only our own flag on the
  // content stream tells "before DATA" from "during or after DATA". A reply to the final dot counts as after.
  const afterData = dataStreamStarted || (e.code === "EMESSAGE" && e.command === "DATA");
  return {
    outcome,
    mayHaveBeenAccepted: afterData,
    stage: afterData && e.command === "CONN" ? "DATA" : (e.command ?? null),
    errorCode: e.code ?? null,
    responseCode,
    response: replyText(e, responseCode),
  };
}

/**
 * The reply kept for the attempt row, `last_error`, the confirmation error and logs. The server's reply to
 * the AUTH exchange (EAUTH, command `AUTH PLAIN|LOGIN|CRAM-MD5|XOAUTH2`) is never kept as text: a server may
 * repeat the credentials there in any form; code + enhanced code + fixed text only (secrets/auth-reply.ts).
 */
function replyText(e: NodemailerError, responseCode: number | null): string | null {
  if (isAuthExchange(e) && (e.response !== undefined || responseCode !== null))
    return smtpAuthReply(responseCode, null, e.response ?? "");
  return (e.response ?? e.message ?? null)?.slice(0, 2_000) ?? null;
}

/**
 * Exponential backoff with "equal jitter": half the delay fixed, half random, so workers retrying the same
 * greylisting server spread out instead of knocking together.
 */
export function retryDelayMs(
  attempt: number,
  baseMs = BACKOFF_BASE_MS,
  maxMs = BACKOFF_MAX_MS,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
