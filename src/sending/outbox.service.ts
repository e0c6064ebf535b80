import { createHash } from "node:crypto";
import { perContext, type AppContext } from "../app/context.js";
import { activeApiKeyIds } from "../auth/admin.service.js";
import { FacteurError, type FieldIssue } from "../domain/errors.js";
import { parseOrThrow } from "../domain/validation.js";
import { foldForSearch } from "../registry/search-text.js";
import {
  base64DecodedBytes,
  findHeaderInjection,
  MESSAGE_MAX_BYTES,
  sendMessageSchema,
  type SendMessage,
} from "./message.schema.js";
import { BatchCommit } from "./batch-commit.js";
import {
  insertMessages,
  selectByIdempotencyKey,
  type MessageRow,
  type NewMessage,
} from "./outbox.repository.js";
import { selectMessage } from "./outbox-views.repository.js";
import type { MessageStatus } from "./outbox.table.js";
import { findServerRoute, RouteCache } from "./routing.js";
import { selectDepartmentId } from "./routing.repository.js";

/**
 * Who enqueues: idempotency keys are scoped to them, so two applications never collide on a key. An API key
 * is read again in the transaction that inserts the message (the auth hook may have trusted a cached check):
 * a key revoked a moment ago queues nothing.
 */
export type Submitter = { kind: "apiKey"; apiKeyId: number } | { kind: "admin" } | { kind: "cli" };

export interface EnqueueResult {
  id: number;
  status: MessageStatus;
  /** True when the idempotency key matched an earlier request: nothing new was queued. */
  duplicate: boolean;
}

const ROUTE_CACHE_TTL_MS = 2_000; // an admin's routing change is seen by the API within two seconds
const ENQUEUE_PARALLEL_BATCHES_PG = 3; // of the pool's 10 connections; the rest serve reads (API keys, routes)
type Inserted = Awaited<ReturnType<typeof insertMessages>>[number] | "API_KEY_REVOKED";

/** Concurrent requests share one transaction (one WAL flush on PostgreSQL); each still answers after it. */
const enqueueCommits = perContext(
  (ctx) =>
    new BatchCommit<NewMessage, Inserted>(
      ctx.db,
      async (trx, items) => {
        const keyOf = (item: NewMessage) => item.message.api_key_id ?? null;
        const keyIds = items.flatMap((item) => keyOf(item) ?? []);
        const active = await activeApiKeyIds(trx, keyIds);
        const allowed = items.filter((item) => keyOf(item) === null || active.has(keyOf(item)!));
        const inserted = await insertMessages(trx, ctx.dialect, allowed);
        const byItem = new Map(allowed.map((item, i) => [item, inserted[i]]));
        return items.map((item) => (byItem.has(item) ? byItem.get(item) : "API_KEY_REVOKED"));
      },
      { parallel: ctx.dialect === "postgres" ? ENQUEUE_PARALLEL_BATCHES_PG : 1 },
    ),
);

const routeCache = perContext((ctx) => new RouteCache(ctx.db, ROUTE_CACHE_TTL_MS));

function scopeOf(submitter: Submitter): string {
  return submitter.kind === "apiKey" ? `apiKey:${submitter.apiKeyId}` : submitter.kind;
}

function invalid(path: string, code: string, fr: string, en: string): FacteurError {
  const details: FieldIssue[] = [{ path, code, fr, en }];
  return new FacteurError("VALIDATION_FAILED", { details });
}

async function resolveDepartment(
  ctx: AppContext,
  department: SendMessage["department"],
): Promise<number | null> {
  if (department === undefined) return null;
  const id = await selectDepartmentId(
    ctx.db,
    typeof department === "number" ? { id: department } : { nameKey: foldForSearch(department) },
  );
  if (id === undefined)
    throw invalid("department", "DEPARTMENT_NOT_FOUND", "Service inconnu.", "Unknown department.");
  return id;
}

function messageSize(message: SendMessage): number {
  const bodies = Buffer.byteLength(message.text ?? "") + Buffer.byteLength(message.html ?? "");
  const files = (message.attachments ?? []).reduce((sum, a) => sum + base64DecodedBytes(a.content), 0);
  return bodies + files + Buffer.byteLength(message.subject);
}

/**
 * Validates a message and commits it to the outbox; returns once it is durable (the API answers 202 then).
 * With an idempotency key, a repeated request returns the first message instead of queuing a second one.
 */
export async function enqueueMessage(
  ctx: AppContext,
  raw: unknown,
  submitter: Submitter,
  headerIdempotencyKey?: string,
): Promise<EnqueueResult> {
  const injection = findHeaderInjection(raw);
  if (headerIdempotencyKey !== undefined && /[\r\n]/.test(headerIdempotencyKey))
    injection.push({
      path: "Idempotency-Key",
      code: "MESSAGE_HEADER_INJECTION",
      fr: "Retour à la ligne interdit.",
      en: "Line breaks are not allowed.",
    });
  if (injection.length > 0) throw new FacteurError("MESSAGE_HEADER_INJECTION", { details: injection });
  const message = parseOrThrow(sendMessageSchema, raw);
  const idempotencyKey = headerIdempotencyKey?.trim() || message.idempotencyKey;
  if (
    headerIdempotencyKey &&
    message.idempotencyKey &&
    headerIdempotencyKey.trim() !== message.idempotencyKey
  )
    throw invalid(
      "idempotencyKey",
      "IDEMPOTENCY_KEY_MISMATCH",
      "La clé d'idempotence du corps diffère de l'en-tête Idempotency-Key.",
      "The idempotency key in the body differs from the Idempotency-Key header.",
    );
  const size = messageSize(message);
  if (size > MESSAGE_MAX_BYTES)
    throw new FacteurError("MESSAGE_TOO_LARGE", { meta: { size, max: MESSAGE_MAX_BYTES } });

  const departmentId = await resolveDepartment(ctx, message.department);
  const route =
    message.serverId !== undefined
      ? await findServerRoute(ctx.db, message.serverId)
      : await routeCache(ctx).get({ departmentId, sendUnconfirmed: ctx.config.sending.sendUnconfirmed });
  if (message.serverId !== undefined && route.length === 0)
    throw invalid("serverId", "SERVER_NOT_FOUND", "Serveur SMTP inconnu.", "Unknown SMTP server.");
  if (route.length === 0) throw new FacteurError("MESSAGE_NO_ROUTE", { meta: { departmentId } });

  const scope = idempotencyKey ? scopeOf(submitter) : null;
  const { idempotencyKey: _key, ...hashed } = message;
  const requestHash = idempotencyKey
    ? createHash("sha256").update(JSON.stringify(hashed)).digest("hex")
    : null;
  const now = ctx.now().toISOString();
  const recipients = [...message.to, ...(message.cc ?? []), ...(message.bcc ?? [])];
  const inserted = await enqueueCommits(ctx).run({
    message: {
      status: "queued",
      due_at: now,
      claimed_by: null,
      department_id: departmentId,
      server_id: message.serverId ?? null,
      pinned_server_id: null,
      from_address: message.from ?? null,
      from_name: message.fromName ?? null,
      reply_to: message.replyTo ?? null,
      to_json: JSON.stringify(message.to),
      cc_json: JSON.stringify(message.cc ?? []),
      bcc_json: JSON.stringify(message.bcc ?? []),
      subject: message.subject,
      attachment_count: message.attachments?.length ?? 0,
      size_bytes: size,
      recipients_search: recipients.map((r) => r.address.toLowerCase()).join(" "),
      // The owner: a key without the admin scope lists and reads only the messages it queued.
      api_key_id: submitter.kind === "apiKey" ? submitter.apiKeyId : null,
      idempotency_scope: scope,
      idempotency_key: idempotencyKey ?? null,
      request_hash: requestHash,
      attempt_count: 0,
      last_server_id: null,
      last_error: null,
      smtp_message_id: null,
      created_at: now,
      updated_at: now,
      sent_at: null,
    },
    content: {
      text_body: message.text ?? null,
      html_body: message.html ?? null,
      attachments_json: message.attachments?.length ? JSON.stringify(message.attachments) : null,
    },
  });
  if (inserted === "API_KEY_REVOKED") throw new FacteurError("UNAUTHENTICATED");
  if (inserted) {
    ctx.logger.info(
      {
        event: "message.queued",
        messageId: inserted.id,
        departmentId,
        serverId: message.serverId ?? null,
        sizeBytes: size,
        recipients: recipients.length,
      },
      "message queued",
    );
    return { id: inserted.id, status: inserted.status, duplicate: false };
  }

  // The key was used before: same request → the same message; a different one → refused.
  const existing = idempotencyKey ? await selectByIdempotencyKey(ctx.db, scope, idempotencyKey) : undefined;
  if (!existing) throw new Error("outbox insert skipped without an idempotency key holder");
  if (existing.request_hash !== requestHash)
    throw new FacteurError("IDEMPOTENCY_KEY_REUSED", { meta: { id: existing.id } });
  return { id: existing.id, status: existing.status, duplicate: true };
}

/** Commits a message addressed through one server outside routing (confirmation mails use it). */
export async function loadMessageRow(ctx: AppContext, id: number): Promise<MessageRow> {
  const row = await selectMessage(ctx.db, id);
  if (!row) throw new FacteurError("MESSAGE_NOT_FOUND", { meta: { id } });
  return row;
}
