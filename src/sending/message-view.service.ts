import { z } from "zod";
import type { AppContext } from "../app/context.js";
import { FacteurError } from "../domain/errors.js";
import { idParamSchema } from "../domain/id.js";
import { explainCode, explainLastError } from "./last-error.js";
import type { MessageRow } from "./outbox.repository.js";
import {
  selectAttemptCounts,
  selectAttempts,
  selectLastFailures,
  selectMessage,
  selectMessagePage,
  type AttemptRow,
} from "./outbox-views.repository.js";
import { ATTEMPT_OUTCOMES, MESSAGE_STATUSES } from "./outbox.table.js";

const recipientView = z.object({ address: z.string(), name: z.string().optional() });
/** The FR/EN text of a catalog code (src/domain/codes), for people. */
const codeTextView = z.object({ fr: z.string(), en: z.string() });

export const attemptViewSchema = z.object({
  id: z.number(),
  serverId: z.number().nullable(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  stage: z.string().nullable(),
  errorCode: z.string().nullable(),
  /** FR/EN text when `errorCode` is a catalog code (a server whose password must be entered again); null for transport codes. */
  errorText: codeTextView.nullable(),
  responseCode: z.number().nullable(),
  response: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string(),
});

/** A message as the API and the Messages page show it (bodies and attachments left out). */
export const messageViewSchema = z.object({
  id: z.number(),
  status: z.enum(MESSAGE_STATUSES),
  subject: z.string(),
  from: z.string().nullable(),
  to: z.array(recipientView),
  cc: z.array(recipientView),
  bccCount: z.number(),
  departmentId: z.number().nullable(),
  serverId: z.number().nullable(),
  lastServerId: z.number().nullable(),
  attemptCount: z.number(),
  /** As stored: codes, then the stage, transport code and server reply (src/sending/last-error.ts). */
  lastError: z.string().nullable(),
  /** The catalog code of `lastError` (MESSAGE_REFUSED, MESSAGE_EXPIRED…); null for rows stored before codes. */
  lastErrorCode: z.string().nullable(),
  /** Its FR/EN text, for people; null when `lastErrorCode` is. */
  lastErrorText: codeTextView.nullable(),
  nextAttemptAt: z.string().nullable(),
  sizeBytes: z.number(),
  attachmentCount: z.number(),
  messageId: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const messageDetailSchema = messageViewSchema.extend({ attempts: z.array(attemptViewSchema) });

export const listMessagesQuerySchema = z.object({
  recipient: z.string().trim().max(254).optional(),
  status: z.enum(MESSAGE_STATUSES).optional(),
  serverId: idParamSchema.optional(),
  departmentId: idParamSchema.optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListMessagesQuery = z.infer<typeof listMessagesQuerySchema>;

/**
 * Whose messages a caller may see: `all` for admin sessions, API keys holding the `admin` scope and the CLI (the
 * operator); an API key without it sees only the messages it queued. Another key's message is "not found"
 * (404, never 403: ids are not confirmed). Messages without a key (admins, CLI, queued before 0403) are admin-only.
 */
export type MessageViewer = { kind: "all" } | { kind: "apiKey"; apiKeyId: number };
export const ALL_MESSAGES: MessageViewer = { kind: "all" };

function toView(row: MessageRow): MessageView {
  const reason = explainLastError(row.last_error);
  return {
    id: row.id,
    status: row.status,
    subject: row.subject,
    from: row.from_address,
    to: JSON.parse(row.to_json) as MessageView["to"],
    cc: JSON.parse(row.cc_json) as MessageView["cc"],
    bccCount: (JSON.parse(row.bcc_json) as unknown[]).length,
    departmentId: row.department_id,
    serverId: row.server_id,
    lastServerId: row.last_server_id,
    attemptCount: row.attempt_count,
    lastError: row.last_error,
    lastErrorCode: reason.code,
    lastErrorText: reason.text,
    nextAttemptAt: row.status === "queued" ? row.due_at : null,
    sizeBytes: row.size_bytes,
    attachmentCount: row.attachment_count,
    messageId: row.smtp_message_id,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

function toAttemptView(row: AttemptRow): z.infer<typeof attemptViewSchema> {
  return {
    id: row.id,
    serverId: row.server_id,
    outcome: row.outcome,
    stage: row.stage,
    errorCode: row.error_code,
    errorText: explainCode(row.error_code),
    responseCode: row.response_code,
    response: row.response,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** One message with its attempt history and the SMTP replies. */
export async function getMessage(
  ctx: AppContext,
  id: number,
  viewer: MessageViewer,
): Promise<z.infer<typeof messageDetailSchema>> {
  const row = await selectMessage(ctx.db, id);
  if (!row || (viewer.kind === "apiKey" && row.api_key_id !== viewer.apiKeyId))
    throw new FacteurError("MESSAGE_NOT_FOUND", { meta: { id } });
  const attempts = await selectAttempts(ctx.db, id);
  return { ...toView(row), attempts: attempts.map(toAttemptView) };
}

/** Messages, newest first, filtered by recipient, status, server or department. */
export async function listMessages(
  ctx: AppContext,
  query: ListMessagesQuery,
  viewer: MessageViewer,
): Promise<{ items: MessageView[]; total: number; page: number; pageSize: number }> {
  const { rows, total } = await selectMessagePage(
    ctx.db,
    {
      ...(viewer.kind === "apiKey" ? { apiKeyId: viewer.apiKeyId } : {}),
      ...(query.recipient ? { recipient: query.recipient } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.serverId ? { serverId: query.serverId } : {}),
      ...(query.departmentId ? { departmentId: query.departmentId } : {}),
    },
    { offset: (query.page - 1) * query.pageSize, limit: query.pageSize },
  );
  return { items: rows.map(toView), total, page: query.page, pageSize: query.pageSize };
}

export const serverStatsSchema = z.object({
  serverId: z.number(),
  sent: z.number(),
  temporaryFailures: z.number(),
  permanentFailures: z.number(),
  lastError: z
    .object({
      at: z.string(),
      stage: z.string().nullable(),
      responseCode: z.number().nullable(),
      response: z.string().nullable(),
    })
    .nullable(),
  lastSentAt: z.string().nullable(),
});
export type ServerStats = z.infer<typeof serverStatsSchema>;

/** Per-server counters for the dashboard: sent, failed tries, and the last error with its SMTP reply. */
export async function serverStats(ctx: AppContext): Promise<ServerStats[]> {
  const counts = await selectAttemptCounts(ctx.db);
  const lastFailures = await selectLastFailures(ctx.db);
  const stats = new Map<number, ServerStats>();
  const entry = (serverId: number): ServerStats => {
    let s = stats.get(serverId);
    if (!s) {
      s = {
        serverId,
        sent: 0,
        temporaryFailures: 0,
        permanentFailures: 0,
        lastError: null,
        lastSentAt: null,
      };
      stats.set(serverId, s);
    }
    return s;
  };
  for (const row of counts) {
    const s = entry(row.serverId);
    if (row.outcome === "sent") {
      s.sent = row.count;
      s.lastSentAt = row.lastAt;
    } else if (row.outcome === "temporary") s.temporaryFailures = row.count;
    else s.permanentFailures = row.count;
  }
  for (const row of lastFailures) {
    entry(row.server_id).lastError = {
      at: row.finished_at,
      stage: row.stage,
      responseCode: row.response_code,
      response: row.response,
    };
  }
  return [...stats.values()].sort((a, b) => a.serverId - b.serverId);
}
