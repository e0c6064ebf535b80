// Migrations work on tables that may not match the current interface; Kysely's own docs use any here.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Kysely } from "kysely";
import { redactDeep, type Redactor } from "./redact.js";
import {
  selectAttemptResponses,
  selectMessageErrors,
  selectResultJson,
  setAttemptResponse,
  setMessageError,
  setResultJson,
} from "./stored-replies.repository.js";

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
    const resultJson = await selectResultJson(db, serverId);
    if (resultJson !== undefined) {
      // Scrubbed string by string (a match across JSON escapes could otherwise break the document).
      const scrubbed = JSON.stringify(redactDeep(JSON.parse(resultJson) as unknown, redact));
      if (scrubbed !== JSON.stringify(JSON.parse(resultJson))) await setResultJson(db, serverId, scrubbed);
    }
    let after = 0;
    for (;;) {
      const rows = await selectAttemptResponses(db, serverId, after, BATCH);
      for (const row of rows) {
        if (row.response === null) continue;
        const scrubbed = redact(row.response);
        if (scrubbed !== row.response) await setAttemptResponse(db, row.id, scrubbed);
      }
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
  }
  let after = 0;
  for (;;) {
    const rows = await selectMessageErrors(db, after, BATCH);
    for (const row of rows) {
      const redact = row.last_server_id === null ? null : redactorFor(row.last_server_id);
      const scrubbed = redact ? redact(row.last_error) : row.last_error;
      if (scrubbed !== row.last_error) await setMessageError(db, row.id, scrubbed);
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
}
