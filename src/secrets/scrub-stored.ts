// Migrations work on tables that may not match the current interface; Kysely's own docs use any here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";
import { redactDeep, type Redactor } from "./redact.js";

const BATCH = 500;

/**
 * Scrubs, by value, the reply texts stored before redaction by value existed (0401_secret_binding): a server
 * that echoed its AUTH data left the password in its last test result and in the outbox's attempt responses
 * and errors. `redactorFor(serverId)` gives the redactor of a server's password (null: nothing to scrub).
 */
export async function scrubStoredReplies(
  db: Kysely<any>,
  serverIds: number[],
  redactorFor: (serverId: number) => Redactor | null,
): Promise<void> {
  for (const serverId of serverIds) {
    const redact = redactorFor(serverId);
    if (!redact) continue;
    const result = (await db
      .selectFrom("diagnostic_last_results")
      .select("result_json")
      .where("server_id", "=", serverId)
      .executeTakeFirst()) as { result_json: string } | undefined;
    if (result) {
      // Scrubbed string by string (a match across JSON escapes could otherwise break the document).
      const scrubbed = JSON.stringify(redactDeep(JSON.parse(result.result_json) as unknown, redact));
      if (scrubbed !== JSON.stringify(JSON.parse(result.result_json))) {
        await db
          .updateTable("diagnostic_last_results")
          .set({ result_json: scrubbed })
          .where("server_id", "=", serverId)
          .execute();
      }
    }
    let after = 0;
    for (;;) {
      const rows = (await db
        .selectFrom("outbox_attempts")
        .select(["id", "response"])
        .where("server_id", "=", serverId)
        .where("id", ">", after)
        .orderBy("id")
        .limit(BATCH)
        .execute()) as Array<{ id: number; response: string | null }>;
      for (const row of rows) {
        if (row.response === null) continue;
        const scrubbed = redact(row.response);
        if (scrubbed !== row.response)
          await db
            .updateTable("outbox_attempts")
            .set({ response: scrubbed })
            .where("id", "=", row.id)
            .execute();
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
  }
  let after = 0;
  for (;;) {
    const rows = (await db
      .selectFrom("outbox_messages")
      .select(["id", "last_server_id", "last_error"])
      .where("last_error", "is not", null)
      .where("id", ">", after)
      .orderBy("id")
      .limit(BATCH)
      .execute()) as Array<{ id: number; last_server_id: number | null; last_error: string }>;
    for (const row of rows) {
      const redact = row.last_server_id === null ? null : redactorFor(row.last_server_id);
      const scrubbed = redact ? redact(row.last_error) : row.last_error;
      if (scrubbed !== row.last_error)
        await db
          .updateTable("outbox_messages")
          .set({ last_error: scrubbed })
          .where("id", "=", row.id)
          .execute();
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
}
