// Called from migration 0401, on tables that may not match the current interface; Kysely's own docs use
// Kysely<any> for migrations.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";

type AnyDb = Kysely<any>;

/** A server's stored last test result (JSON), if any. */
export async function selectResultJson(db: AnyDb, serverId: number): Promise<string | undefined> {
  const row = (await db
    .selectFrom("diagnostic_last_results")
    .select("result_json")
    .where("server_id", "=", serverId)
    .executeTakeFirst()) as { result_json: string } | undefined;
  return row?.result_json;
}

export async function setResultJson(db: AnyDb, serverId: number, resultJson: string): Promise<void> {
  await db
    .updateTable("diagnostic_last_results")
    .set({ result_json: resultJson })
    .where("server_id", "=", serverId)
    .execute();
}

/** One batch of a server's sending attempts after id `after`, by id (keyset pagination). */
export async function selectAttemptResponses(
  db: AnyDb,
  serverId: number,
  after: number,
  limit: number,
): Promise<Array<{ id: number; response: string | null }>> {
  return (await db
    .selectFrom("outbox_attempts")
    .select(["id", "response"])
    .where("server_id", "=", serverId)
    .where("id", ">", after)
    .orderBy("id")
    .limit(limit)
    .execute()) as Array<{ id: number; response: string | null }>;
}

export async function setAttemptResponse(db: AnyDb, id: number, response: string): Promise<void> {
  await db.updateTable("outbox_attempts").set({ response }).where("id", "=", id).execute();
}

/** One batch of messages with a last error, after id `after`, by id. */
export async function selectMessageErrors(
  db: AnyDb,
  after: number,
  limit: number,
): Promise<Array<{ id: number; last_server_id: number | null; last_error: string }>> {
  return (await db
    .selectFrom("outbox_messages")
    .select(["id", "last_server_id", "last_error"])
    .where("last_error", "is not", null)
    .where("id", ">", after)
    .orderBy("id")
    .limit(limit)
    .execute()) as Array<{ id: number; last_server_id: number | null; last_error: string }>;
}

export async function setMessageError(db: AnyDb, id: number, lastError: string): Promise<void> {
  await db.updateTable("outbox_messages").set({ last_error: lastError }).where("id", "=", id).execute();
}
