import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from "kysely";
import type { DialectName } from "../store/db.js";
import type { Database } from "../store/schema.js";
import type { OutboxAttemptTable, OutboxContentTable, OutboxMessageTable } from "./outbox.table.js";
import "./outbox.table.js";

export type Db = Kysely<Database> | Transaction<Database>;
export type MessageRow = Selectable<OutboxMessageTable>;
/** An attempt as the worker records it. */
export type NewAttempt = Omit<OutboxAttemptTable, "id">;
/** A claimed message with its bodies, all a worker needs to send it. */
export type ClaimedRow = MessageRow & Omit<Selectable<OutboxContentTable>, "message_id">;

/**
 * Claims up to `limit` due messages for a worker in one statement: queued ones whose time has come and
 * sending ones whose claim expired (their worker died). PostgreSQL skips rows another worker is claiming
 * (`FOR UPDATE SKIP LOCKED`), so any number of workers share the outbox without waiting on each other;
 * SQLite runs the statement under its single writer lock, which makes it atomic as well.
 */
export async function claimDueMessages(
  db: Db,
  dialect: DialectName,
  workerId: string,
  now: Date,
  claimTtlMs: number,
  limit: number,
): Promise<ClaimedRow[]> {
  const nowIso = now.toISOString();
  const expiresIso = new Date(now.getTime() + claimTtlMs).toISOString();
  const lock = dialect === "postgres" ? sql`for update skip locked` : sql``;
  const result = await sql<MessageRow>`
    update outbox_messages
       set status = 'sending', claimed_by = ${workerId}, due_at = ${expiresIso}, updated_at = ${nowIso}
     where id in (
       select id from outbox_messages
        where status in ('queued', 'sending') and due_at <= ${nowIso}
        order by due_at
        limit ${limit}
        ${lock})
    returning *`.execute(db);
  if (result.rows.length === 0) return [];
  const contents = await db
    .selectFrom("outbox_contents")
    .selectAll()
    .where(
      "message_id",
      "in",
      result.rows.map((row) => row.id),
    )
    .execute();
  const byId = new Map(contents.map((c) => [c.message_id, c]));
  return result.rows.map((row) => {
    const content = byId.get(row.id);
    return {
      ...row,
      text_body: content?.text_body ?? null,
      html_body: content?.html_body ?? null,
      attachments_json: content?.attachments_json ?? null,
    };
  });
}

export interface NewMessage {
  message: Omit<Insertable<OutboxMessageTable>, "id">;
  content: Omit<Selectable<OutboxContentTable>, "message_id">;
}

const MESSAGES_PER_INSERT = 100; // ~25 parameters a row

/**
 * Inserts messages with their bodies; returns, per message, its id and status, or undefined when its
 * idempotency key was taken (by an earlier request or an earlier one in the same batch).
 * PostgreSQL: ids come from the sequence in one query, so the batch is three statements whatever its size
 * (each statement is a network round trip, and they run one after the other in the batch's transaction).
 * SQLite: one insert each (in-process, prepared statements: a round trip costs nothing there).
 */
export async function insertMessages(
  db: Db,
  dialect: DialectName,
  items: NewMessage[],
): Promise<Array<{ id: number; status: OutboxMessageTable["status"] } | undefined>> {
  if (dialect === "sqlite") {
    const out: Array<{ id: number; status: OutboxMessageTable["status"] } | undefined> = [];
    for (const { message, content } of items) {
      const row = await db
        .insertInto("outbox_messages")
        .values(message)
        .onConflict((oc) => oc.columns(["idempotency_scope", "idempotency_key"]).doNothing())
        .returning(["id", "status"])
        .executeTakeFirst();
      if (row)
        await db
          .insertInto("outbox_contents")
          .values({ message_id: row.id, ...content })
          .execute();
      out.push(row);
    }
    return out;
  }
  const out: Array<{ id: number; status: OutboxMessageTable["status"] } | undefined> = [];
  for (let i = 0; i < items.length; i += MESSAGES_PER_INSERT) {
    const chunk = items.slice(i, i + MESSAGES_PER_INSERT);
    const ids = (
      await sql<{ id: number }>`
        select nextval(pg_get_serial_sequence('outbox_messages', 'id')) as id
          from generate_series(1, ${chunk.length})`.execute(db)
    ).rows.map((r) => Number(r.id));
    const inserted = await db
      .insertInto("outbox_messages")
      .values(chunk.map(({ message }, j) => ({ ...message, id: ids[j]! })))
      .onConflict((oc) => oc.columns(["idempotency_scope", "idempotency_key"]).doNothing())
      .returning(["id", "status"])
      .execute();
    const byId = new Map(inserted.map((row) => [Number(row.id), row.status]));
    const contents = chunk.flatMap(({ content }, j) =>
      byId.has(ids[j]!) ? [{ message_id: ids[j]!, ...content }] : [],
    );
    if (contents.length > 0) await db.insertInto("outbox_contents").values(contents).execute();
    for (const id of ids) {
      const status = byId.get(id);
      out.push(status === undefined ? undefined : { id, status });
    }
  }
  return out;
}

const ATTEMPT_ROWS_PER_INSERT = 500; // 10 parameters a row: far under SQLite's and PostgreSQL's limits

export async function insertAttempts(db: Db, attempts: NewAttempt[]): Promise<void> {
  for (let i = 0; i < attempts.length; i += ATTEMPT_ROWS_PER_INSERT)
    await db
      .insertInto("outbox_attempts")
      .values(attempts.slice(i, i + ATTEMPT_ROWS_PER_INSERT))
      .execute();
}

/** A worker's verdict on one claimed message. A null in a "kept if null" field leaves the column as it is. */
export interface Settlement {
  id: number;
  status: "queued" | "sent" | "failed";
  /** Next try (queued); kept if null. */
  dueAt: string | null;
  /** Kept if null (a pin is never removed). */
  pinnedServerId: number | null;
  attemptCount: number;
  lastServerId: number | null;
  lastError: string | null;
  /** Kept if null. */
  smtpMessageId: string | null;
  /** Kept if null. */
  sentAt: string | null;
  updatedAt: string;
}

const SETTLEMENTS_PER_UPDATE = 200; // 10 parameters a row

/**
 * Applies many verdicts in one statement (`UPDATE … FROM (VALUES …)`, SQLite ≥ 3.33 and PostgreSQL), only on
 * messages the worker still holds (a claim that expired belongs to another). Returns the ids it settled.
 * The casts type the VALUES columns for PostgreSQL, which would otherwise read every parameter as text.
 */
export async function settleMessages(
  db: Db,
  workerId: string,
  settlements: Settlement[],
): Promise<Set<number>> {
  const settled = new Set<number>();
  for (let i = 0; i < settlements.length; i += SETTLEMENTS_PER_UPDATE) {
    const rows = settlements
      .slice(i, i + SETTLEMENTS_PER_UPDATE)
      .map(
        (s) =>
          sql`(cast(${s.id} as integer), cast(${s.status} as text), cast(${s.dueAt} as text), cast(${s.pinnedServerId} as integer), cast(${s.attemptCount} as integer), cast(${s.lastServerId} as integer), cast(${s.lastError} as text), cast(${s.smtpMessageId} as text), cast(${s.sentAt} as text), cast(${s.updatedAt} as text))`,
      );
    const result = await sql<{ id: number }>`
      update outbox_messages
         set status = v.column2,
             claimed_by = null,
             due_at = coalesce(v.column3, outbox_messages.due_at),
             pinned_server_id = coalesce(v.column4, outbox_messages.pinned_server_id),
             attempt_count = v.column5,
             last_server_id = v.column6,
             last_error = v.column7,
             smtp_message_id = coalesce(v.column8, outbox_messages.smtp_message_id),
             sent_at = coalesce(v.column9, outbox_messages.sent_at),
             updated_at = v.column10
        from (values ${sql.join(rows)}) as v
       where outbox_messages.id = v.column1
         and outbox_messages.claimed_by = ${workerId}
         and outbox_messages.status = 'sending'
      returning outbox_messages.id`.execute(db);
    for (const row of result.rows) settled.add(Number(row.id));
  }
  return settled;
}

/** Applies a worker's verdict only while it still holds the claim (a claim that expired belongs to another). */
export async function settleMessage(
  db: Db,
  id: number,
  workerId: string,
  set: Partial<Omit<OutboxMessageTable, "id">>,
): Promise<boolean> {
  const result = await db
    .updateTable("outbox_messages")
    .set(set)
    .where("id", "=", id)
    .where("claimed_by", "=", workerId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Gives back a stopping worker's claims on messages still in flight: due now, for any worker. Only those it
 * still holds (a claim that expired belongs to another). Returns how many it released.
 */
export async function releaseClaims(
  db: Db,
  workerId: string,
  ids: number[],
  nowIso: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable("outbox_messages")
    .set({ status: "queued", claimed_by: null, due_at: nowIso })
    .where("id", "in", ids)
    .where("claimed_by", "=", workerId)
    .where("status", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The message an idempotency key already named, in its scope. */
export async function selectByIdempotencyKey(
  db: Db,
  scope: string | null,
  key: string,
): Promise<Pick<MessageRow, "id" | "status" | "request_hash"> | undefined> {
  return db
    .selectFrom("outbox_messages")
    .select(["id", "status", "request_hash"])
    .where("idempotency_scope", "=", scope)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

/**
 * A batch of a worker's verdicts in the caller's transaction: one UPDATE for the messages, one INSERT for the
 * attempts. Returns, per verdict, whether the worker still held the message (a claim that expired and was
 * taken over is the other worker's; its attempts are kept anyway, as history).
 */
export async function applyVerdicts(
  trx: Db,
  workerId: string,
  verdicts: Array<{ settlement: Settlement; attempts: NewAttempt[] }>,
): Promise<boolean[]> {
  const settled = await settleMessages(
    trx,
    workerId,
    verdicts.map((v) => v.settlement),
  );
  await insertAttempts(
    trx,
    verdicts.flatMap((v) => v.attempts),
  );
  return verdicts.map((v) => settled.has(v.settlement.id));
}
