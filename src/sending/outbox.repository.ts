import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { DialectName } from "../store/db.js";
import type { Database } from "../store/schema.js";
import type { OutboxAttemptTable, OutboxMessageTable } from "./outbox.table.js";
import "./outbox.table.js";

export type Db = Kysely<Database> | Transaction<Database>;
export type MessageRow = Selectable<OutboxMessageTable>;
export type AttemptRow = Selectable<OutboxAttemptTable>;

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
): Promise<MessageRow[]> {
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
  return result.rows;
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
