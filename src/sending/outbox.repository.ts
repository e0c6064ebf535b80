import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { DialectName } from "../store/db.js";
import type { Database } from "../store/schema.js";
import type { OutboxAttemptTable, OutboxContentTable, OutboxMessageTable } from "./outbox.table.js";
import "./outbox.table.js";

export type Db = Kysely<Database> | Transaction<Database>;
export type MessageRow = Selectable<OutboxMessageTable>;
export type AttemptRow = Selectable<OutboxAttemptTable>;
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

export async function insertAttempts(db: Db, attempts: Array<Omit<OutboxAttemptTable, "id">>): Promise<void> {
  if (attempts.length === 0) return;
  await db.insertInto("outbox_attempts").values(attempts).execute();
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

export async function selectMessage(db: Db, id: number): Promise<MessageRow | undefined> {
  return db.selectFrom("outbox_messages").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function selectAttempts(db: Db, messageId: number): Promise<AttemptRow[]> {
  return db
    .selectFrom("outbox_attempts")
    .selectAll()
    .where("message_id", "=", messageId)
    .orderBy("id")
    .execute();
}
