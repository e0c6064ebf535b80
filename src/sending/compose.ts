import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type Mail from "nodemailer/lib/mailer/index.js";
import { signatureToText } from "../registry/signature.js";
import type { Recipient } from "./message.schema.js";

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

/** nodemailer mail options for a message sent through a server: from defaults, signature, logo as CID. */
export function composeMail(message: OutboxMessage, server: ServerProfile): Mail.Options {
  const fromAddress = message.from ?? server.mail;
  const fromName = message.fromName ?? (message.from ? "" : server.senderName);
  const signatureHtml = signatureBlock(server);
  const signatureText = server.signatureHtml.trim() ? signatureToText(server.signatureHtml) : "";
  const bodyHtml =
    message.html ??
    (message.text !== null ? `<div style="white-space: pre-wrap">${escapeHtml(message.text)}</div>` : "");
  const bodyText = message.text ?? (message.html !== null ? signatureToText(message.html) : "");
  const html = signatureHtml ? `${bodyHtml}\n<br>\n${signatureHtml}` : message.html;
  // "-- " (dash dash space) is the signature separator mail clients recognise (RFC 3676 §4.3).
  const text = signatureText ? `${bodyText}\n\n-- \n${signatureText}` : bodyText;
  const attachments: Mail.Attachment[] = message.attachments.map((a) => ({
    filename: a.filename,
    content: a.content,
    encoding: "base64",
    ...(a.contentType ? { contentType: a.contentType } : {}),
  }));
  if (server.logo && html && html.includes(`cid:${LOGO_CID}`)) {
    attachments.push({
      filename: `logo.${server.logo.mimeType.split("/")[1] ?? "png"}`,
      content: server.logo.data,
      contentType: server.logo.mimeType,
      cid: LOGO_CID,
      contentDisposition: "inline",
    });
  }
  const address = (r: Recipient) => (r.name ? { name: r.name, address: r.address } : r.address);
  return {
    from: fromName ? { name: fromName, address: fromAddress } : fromAddress,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    to: message.to.map(address),
    ...(message.cc.length > 0 ? { cc: message.cc.map(address) } : {}),
    ...(message.bcc.length > 0 ? { bcc: message.bcc.map(address) } : {}),
    subject: message.subject,
    text,
    ...(html ? { html } : {}),
    attachments,
    messageId: messageIdFor(message, fromAddress),
    // Bcc must reach the envelope but never the headers.
    envelope: {
      from: fromAddress,
      to: [...message.to, ...message.cc, ...message.bcc].map((r) => r.address),
    },
  };
}

/** The full RFC 5322 message, built once per try (the logo and attachments are encoded here). */
export async function buildRawMessage(options: Mail.Options): Promise<Buffer> {
  const { envelope: _envelope, ...headers } = options;
  return new MailComposer(headers).compile().build();
}
