import { signatureToText } from "../registry/signature.js";
import type { Recipient } from "./message.schema.js";
import { buildMime, type MimeMessage, type MimePart } from "./mime.js";

/** The sending identity of a server: what composing and connecting need, password included. */
export interface ServerProfile {
  id: number;
  version: number;
  host: string;
  port: number;
  security: string;
  authentication: string;
  username: string;
  password: string | null;
  mail: string;
  senderName: string;
  signatureHtml: string;
  logo: { mimeType: string; data: Buffer } | null;
}

/** A message as stored in the outbox, decoded. */
export interface OutboxMessage {
  id: number;
  createdAt: string;
  from: string | null;
  fromName: string | null;
  replyTo: string | null;
  to: Recipient[];
  cc: Recipient[];
  bcc: Recipient[];
  subject: string;
  text: string | null;
  html: string | null;
  attachments: Array<{ filename: string; contentType?: string | undefined; content: string }>;
}

export const LOGO_CID = "logo"; // the signature sanitiser allows exactly `cid:logo` as an image source

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** The HTML block appended to every message: the server's signature, its logo first if it does not place it. */
export function signatureBlock(server: Pick<ServerProfile, "signatureHtml" | "logo">): string {
  const logo =
    server.logo && !server.signatureHtml.includes(`cid:${LOGO_CID}`)
      ? `<img src="cid:${LOGO_CID}" alt="" style="max-height: 80px"><br>`
      : "";
  if (!logo && server.signatureHtml.trim() === "") return "";
  return `<div class="facteur-signature">${logo}${server.signatureHtml}</div>`;
}

/**
 * A stable Message-ID per outbox message: every retry (and a duplicate after an ambiguous failure) carries the
 * same one, so receiving systems and users can recognise a copy.
 */
export function messageIdFor(message: Pick<OutboxMessage, "id" | "createdAt">, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf("@") + 1) || "facteur.invalid";
  const stamp = Date.parse(message.createdAt).toString(36);
  return `<facteur.${message.id}.${stamp}@${domain}>`;
}

/** A message ready to send through one server: its SMTP envelope and its MIME content. */
export interface ComposedMail {
  envelope: { from: string; to: string[] };
  messageId: string;
  mime: MimeMessage;
}

/** The text form of each signature, computed once per signature (sanitize-html is not free). */
const signatureTextCache = new Map<string, string>();
const SIGNATURE_CACHE_MAX = 1_000;

function signatureText(html: string): string {
  if (html.trim() === "") return "";
  let text = signatureTextCache.get(html);
  if (text === undefined) {
    text = signatureToText(html);
    if (signatureTextCache.size >= SIGNATURE_CACHE_MAX) signatureTextCache.clear();
    signatureTextCache.set(html, text);
  }
  return text;
}

/** Composes a message for a server: from defaults, signature in HTML and text, logo as an inline CID part. */
export function composeMail(message: OutboxMessage, server: ServerProfile, now = new Date()): ComposedMail {
  const fromAddress = message.from ?? server.mail;
  const fromName = message.fromName ?? (message.from ? "" : server.senderName);
  const signatureHtml = signatureBlock(server);
  const sigText = signatureText(server.signatureHtml);
  const bodyHtml =
    message.html ??
    (message.text !== null ? `<div style="white-space: pre-wrap">${escapeHtml(message.text)}</div>` : "");
  const bodyText = message.text ?? (message.html !== null ? signatureToText(message.html) : "");
  const html = signatureHtml ? `${bodyHtml}\n<br>\n${signatureHtml}` : (message.html ?? undefined);
  // "-- " (dash dash space) is the signature separator mail clients recognise (RFC 3676 §4.3).
  const text = sigText ? `${bodyText}\n\n-- \n${sigText}` : bodyText;
  const inline: MimePart[] =
    server.logo && html?.includes(`cid:${LOGO_CID}`)
      ? [
          {
            filename: `logo.${server.logo.mimeType.split("/")[1] ?? "png"}`,
            contentType: server.logo.mimeType,
            contentBase64: server.logo.data.toString("base64"),
            cid: LOGO_CID,
          },
        ]
      : [];
  const messageId = messageIdFor(message, fromAddress);
  return {
    // Bcc reaches the envelope, never the headers.
    envelope: {
      from: fromAddress,
      to: [...message.to, ...message.cc, ...message.bcc].map((r) => r.address),
    },
    messageId,
    mime: {
      from: { address: fromAddress, name: fromName || undefined },
      to: message.to,
      cc: message.cc,
      replyTo: message.replyTo ?? undefined,
      subject: message.subject,
      messageId,
      date: now,
      text,
      html,
      inline,
      attachments: message.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType ?? "application/octet-stream",
        contentBase64: a.content,
      })),
    },
  };
}

/** The full RFC 5322 message. */
export function buildRawMessage(composed: ComposedMail): Buffer {
  return buildMime(composed.mime);
}
