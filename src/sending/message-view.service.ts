import { sql } from "kysely";
import { z } from "zod";
import type { AppContext } from "../app/context.js";
import { FacteurError } from "../domain/errors.js";
import { likeContains } from "../registry/search-text.js";
import { selectAttempts, selectMessage, type AttemptRow, type MessageRow } from "./outbox.repository.js";
import { ATTEMPT_OUTCOMES, MESSAGE_STATUSES } from "./outbox.table.js";
import { idParamSchema } from "../domain/id.js";

const recipientView = z.object({ address: z.string(), name: z.string().optional() });

export const attemptViewSchema = z.object({
  id: z.number(),
  serverId: z.number().nullable(),
  outcome: z.enum(ATTEMPT_OUTCOMES),
  stage: z.string().nullable(),
  errorCode: z.string().nullable(),
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
  lastError: z.string().nullable(),
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
  let base = ctx.db.selectFrom("outbox_messages");
  if (viewer.kind === "apiKey") base = base.where("api_key_id", "=", viewer.apiKeyId);
  if (query.recipient)
    base = base.where(sql<boolean>`recipients_search like ${likeContains(query.recipient)} escape '\\'`);
  if (query.status) base = base.where("status", "=", query.status);
  if (query.serverId) {
    const serverId = query.serverId;
    base = base.where((eb) => eb.or([eb("last_server_id", "=", serverId), eb("server_id", "=", serverId)]));
  }
  if (query.departmentId) base = base.where("department_id", "=", query.departmentId);
  const [count, rows] = await Promise.all([
    base.select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base
      .selectAll()
      .orderBy("id", "desc")
      .offset((query.page - 1) * query.pageSize)
      .limit(query.pageSize)
      .execute(),
  ]);
  return { items: rows.map(toView), total: Number(count.n), page: query.page, pageSize: query.pageSize };
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
  const counts = await ctx.db
    .selectFrom("outbox_attempts")
    .select(({ fn }) => [
      "server_id",
      "outcome",
      fn.countAll<number>().as("n"),
      fn.max("finished_at").as("last_at"),
    ])
    .where("server_id", "is not", null)
    .groupBy(["server_id", "outcome"])
    .execute();
  const lastFailures = await ctx.db
    .selectFrom("outbox_attempts")
    .select(["server_id", "finished_at", "stage", "response_code", "response"])
    .where("id", "in", (eb) =>
      eb
        .selectFrom("outbox_attempts")
        .select(({ fn }) => fn.max("id").as("id"))
        .where("outcome", "!=", "sent")
        .where("server_id", "is not", null)
        .groupBy("server_id"),
    )
    .execute();
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
    const s = entry(row.server_id!);
    const n = Number(row.n);
    if (row.outcome === "sent") {
      s.sent = n;
      s.lastSentAt = row.last_at as string | null;
    } else if (row.outcome === "temporary") s.temporaryFailures = n;
    else s.permanentFailures = n;
  }
  for (const row of lastFailures) {
    entry(row.server_id!).lastError = {
      at: row.finished_at,
      stage: row.stage,
      responseCode: row.response_code,
      response: row.response,
    };
  }
  return [...stats.values()].sort((a, b) => a.serverId - b.serverId);
}
