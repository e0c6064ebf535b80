import { z } from "zod";
import { emailSchema } from "../domain/smtp-server.js";
import type { FieldIssue } from "../domain/errors.js";
import { declareMultiLine, multiLine, singleLine } from "../domain/text.js";
import { idSchema } from "../domain/id.js";

/**
 * The message an application hands to Facteur (`POST /api/v1/messages`, `facteur send`), declared once.
 * Limits are on decoded bytes; the HTTP body limit of the route is derived from them.
 */
export const MESSAGE_MAX_BYTES = 20 * 1024 * 1024; // common provider ceiling (Gmail 25 MB incl. base64 overhead)
export const ATTACHMENTS_MAX = 20; // a message, not an archive
export const RECIPIENTS_MAX = 100; // RFC 5321 §4.5.3.1.8: servers must accept at least 100 RCPT per message
export const SUBJECT_MAX = 998; // RFC 5322 §2.1.1: a header line is at most 998 characters
export const NAME_MAX = 200;
export const IDEMPOTENCY_KEY_MAX = 200;
/** base64 inflates by 4/3; 1 MiB more for JSON and bodies. */
export const MESSAGE_BODY_LIMIT_BYTES = Math.ceil((MESSAGE_MAX_BYTES * 4) / 3) + 1024 * 1024;

const nameSchema = singleLine().trim().max(NAME_MAX);

export const recipientSchema = z.union([
  emailSchema,
  z.object({ address: emailSchema, name: nameSchema.optional() }).strict(),
]);
const recipientListSchema = z
  .union([recipientSchema, z.array(recipientSchema).max(RECIPIENTS_MAX)])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .transform((list) => list.map((r) => (typeof r === "string" ? { address: r } : r)));

export const attachmentSchema = z
  .object({
    filename: singleLine().trim().min(1).max(255),
    contentType: singleLine()
      .regex(/^[\w.+-]+\/[\w.+-]+$/)
      .max(255)
      .optional(),
    /** The file in base64 (standard alphabet, padding optional). */
    content: declareMultiLine(
      z.string().regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, { message: "base64 expected" }),
    ),
  })
  .strict();

export const sendMessageSchema = z
  .object({
    from: emailSchema.optional(),
    fromName: nameSchema.optional(),
    replyTo: emailSchema.optional(),
    to: recipientListSchema,
    cc: recipientListSchema.optional(),
    bcc: recipientListSchema.optional(),
    subject: singleLine().max(SUBJECT_MAX),
    text: multiLine().optional(),
    html: multiLine().optional(),
    attachments: z.array(attachmentSchema).max(ATTACHMENTS_MAX).optional(),
    /** Department (service) id or name: routing picks the servers whose usage covers it. */
    department: z.union([idSchema, singleLine().trim().min(1).max(120)]).optional(),
    /** Send through this server only (no routing, no failover). */
    serverId: idSchema.optional(),
    idempotencyKey: singleLine().trim().min(1).max(IDEMPOTENCY_KEY_MAX).optional(),
  })
  .strict()
  .refine((m) => m.text !== undefined || m.html !== undefined, {
    path: ["text"],
    message: "text or html is required",
  });

export type SendMessageInput = z.input<typeof sendMessageSchema>;
export type SendMessage = z.output<typeof sendMessageSchema>;
export type Recipient = { address: string; name?: string | undefined };

const LINE_BREAK = /[\r\n\u2028\u2029\0]/;

function injectionIssue(path: string): FieldIssue {
  return {
    path,
    code: "MESSAGE_HEADER_INJECTION",
    fr: "Retour à la ligne interdit dans ce champ (il deviendrait un en-tête du mail).",
    en: "Line breaks are not allowed in this field (they would become a mail header).",
  };
}

function scanRecipients(value: unknown, path: string, issues: FieldIssue[]): void {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((item, index) => {
    const at = Array.isArray(value) ? `${path}.${index}` : path;
    if (typeof item === "string" && LINE_BREAK.test(item)) issues.push(injectionIssue(at));
    if (item && typeof item === "object") {
      const { address, name } = item as { address?: unknown; name?: unknown };
      if (typeof address === "string" && LINE_BREAK.test(address))
        issues.push(injectionIssue(`${at}.address`));
      if (typeof name === "string" && LINE_BREAK.test(name)) issues.push(injectionIssue(`${at}.name`));
    }
  });
}

/**
 * Every field that becomes a header, checked on the raw input before any trimming: a CR/LF there is an
 * injection attempt (or a bug) and is refused as such, never silently cleaned.
 */
export function findHeaderInjection(raw: unknown): FieldIssue[] {
  if (!raw || typeof raw !== "object") return [];
  const input = raw as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  for (const field of ["from", "fromName", "replyTo", "subject", "idempotencyKey"] as const) {
    const value = input[field];
    if (typeof value === "string" && LINE_BREAK.test(value)) issues.push(injectionIssue(field));
  }
  for (const field of ["to", "cc", "bcc"] as const) {
    if (input[field] !== undefined) scanRecipients(input[field], field, issues);
  }
  if (Array.isArray(input.attachments)) {
    input.attachments.forEach((a, index) => {
      const { filename, contentType } = (a ?? {}) as { filename?: unknown; contentType?: unknown };
      if (typeof filename === "string" && LINE_BREAK.test(filename))
        issues.push(injectionIssue(`attachments.${index}.filename`));
      if (typeof contentType === "string" && LINE_BREAK.test(contentType))
        issues.push(injectionIssue(`attachments.${index}.contentType`));
    });
  }
  return issues;
}

/** Decoded size of a base64 string without decoding it. */
export function base64DecodedBytes(value: string): number {
  const clean = value.replace(/\s/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}
