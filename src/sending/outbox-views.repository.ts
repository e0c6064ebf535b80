import { sql, type Selectable } from "kysely";
import { likeContains } from "../registry/search-text.js";
import type { Db, MessageRow } from "./outbox.repository.js";
import type { AttemptOutcome, MessageStatus, OutboxAttemptTable } from "./outbox.table.js";

/** The reads behind the Messages API and page (src/sending/message-view.service.ts). */

export type AttemptRow = Selectable<OutboxAttemptTable>;

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

export interface MessageFilter {
  /** Only the messages this API key queued. */
  apiKeyId?: number;
  /** Part of a recipient address. */
  recipient?: string;
  status?: MessageStatus;
  /** Asked for, or the last tried. */
  serverId?: number;
  departmentId?: number;
}

/** One page of messages, newest first, and how many match. */
export async function selectMessagePage(
  db: Db,
  filter: MessageFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: MessageRow[]; total: number }> {
  let base = db.selectFrom("outbox_messages");
  if (filter.apiKeyId !== undefined) base = base.where("api_key_id", "=", filter.apiKeyId);
  if (filter.recipient)
    base = base.where(sql<boolean>`recipients_search like ${likeContains(filter.recipient)} escape '\\'`);
  if (filter.status) base = base.where("status", "=", filter.status);
  const serverId = filter.serverId;
  if (serverId)
    base = base.where((eb) => eb.or([eb("last_server_id", "=", serverId), eb("server_id", "=", serverId)]));
  if (filter.departmentId) base = base.where("department_id", "=", filter.departmentId);
  const [count, rows] = await Promise.all([
    base.select(({ fn }) => fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    base.selectAll().orderBy("id", "desc").offset(page.offset).limit(page.limit).execute(),
  ]);
  return { rows, total: Number(count.n) };
}

/** Attempts per server and outcome, with the last one's time. */
export async function selectAttemptCounts(
  db: Db,
): Promise<Array<{ serverId: number; outcome: AttemptOutcome; count: number; lastAt: string | null }>> {
  const rows = await db
    .selectFrom("outbox_attempts")
    .select(({ fn }) => [
      "server_id",
      "outcome",
      fn.countAll<number>().as("n"),
      fn.max<string | null>("finished_at").as("last_at"),
    ])
    .where("server_id", "is not", null)
    .$narrowType<{ server_id: number }>()
    .groupBy(["server_id", "outcome"])
    .execute();
  return rows.map((r) => ({
    serverId: r.server_id,
    outcome: r.outcome,
    count: Number(r.n),
    lastAt: r.last_at,
  }));
}

/** Each server's last failed attempt. */
export async function selectLastFailures(
  db: Db,
): Promise<
  Array<Pick<AttemptRow, "finished_at" | "stage" | "response_code" | "response"> & { server_id: number }>
> {
  return db
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
    .where("server_id", "is not", null)
    .$narrowType<{ server_id: number }>()
    .execute();
}
