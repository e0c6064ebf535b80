import type { Generated } from "kysely";

/** Life of an outbox message: queued → sending (claimed) → sent | failed; sending → queued on a retry. */
export const MESSAGE_STATUSES = ["queued", "sending", "sent", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** What one try with one server ended with. */
export const ATTEMPT_OUTCOMES = ["sent", "temporary", "permanent"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export interface OutboxMessageTable {
  id: Generated<number>;
  status: MessageStatus;
  /** queued: when to try next; sending: when the claim expires (a crashed worker's message comes back then). */
  due_at: string;
  claimed_by: string | null;
  department_id: number | null;
  /** Server asked for by the caller (confirmation mails, `--server`); null lets routing choose. */
  server_id: number | null;
  /** Set when a server may have accepted DATA: retries stay on it, never fail over (no duplicate elsewhere). */
  pinned_server_id: number | null;
  from_address: string | null;
  from_name: string | null;
  reply_to: string | null;
  /** JSON arrays of `{ address, name? }`. */
  to_json: string;
  cc_json: string;
  bcc_json: string;
  subject: string;
  attachment_count: number;
  size_bytes: number;
  /** Lower-case recipient addresses separated by spaces: one LIKE for "search by recipient". */
  recipients_search: string;
  /**
   * The API key that queued the message (null: an admin session, the CLI, or queued before 0403). A key without
   * the `admin` scope sees only its own messages.
   */
  api_key_id: number | null;
  /** Who owns the idempotency key (`apiKey:<id>` or `admin`): two clients never collide. */
  idempotency_scope: string | null;
  idempotency_key: string | null;
  /** SHA-256 of the request: the same key with a different message is refused. */
  request_hash: string | null;
  attempt_count: number;
  last_server_id: number | null;
  last_error: string | null;
  smtp_message_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

/** A message's bodies, written once at enqueue and only read after (kept apart from the often-updated state). */
export interface OutboxContentTable {
  message_id: number;
  text_body: string | null;
  html_body: string | null;
  /** JSON array of `{ filename, contentType, contentBase64 }`, null without attachments. */
  attachments_json: string | null;
}

export interface OutboxAttemptTable {
  id: Generated<number>;
  message_id: number;
  server_id: number | null;
  worker_id: string;
  outcome: AttemptOutcome;
  /** SMTP command the failure happened at (nodemailer `command`): CONN, EHLO, AUTH …, MAIL FROM, RCPT TO, DATA. */
  stage: string | null;
  error_code: string | null;
  response_code: number | null;
  response: string | null;
  started_at: string;
  finished_at: string;
}

declare module "../store/schema.js" {
  interface Database {
    outbox_messages: OutboxMessageTable;
    outbox_contents: OutboxContentTable;
    outbox_attempts: OutboxAttemptTable;
  }
}
