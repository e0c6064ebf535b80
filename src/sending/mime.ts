import { randomBytes } from "node:crypto";
import mimeFuncs from "nodemailer/lib/mime-funcs/index.js";
import { hasControlCharacter, SINGLE_LINE_FORBIDDEN } from "../domain/text.js";
import { encodeQuotedPrintable } from "./quoted-printable.js";

/**
 * A small synchronous RFC 5322 / MIME writer for the messages Facteur composes (text, HTML, inline logo,
 * attachments). nodemailer's MailComposer builds through a chain of streams and costs about a millisecond of
 * CPU per message; this writes the same structure in one pass with nodemailer's own encoders for headers
 * (RFC 2047 words, RFC 2231 parameters) and a one-pass quoted-printable encoder for bodies (quoted-printable.ts).
 */
export interface MimeAddress {
  address: string;
  name?: string | undefined;
}

export interface MimePart {
  filename: string;
  contentType: string;
  /** base64 of the bytes (any line length, whitespace ignored). */
  contentBase64: string;
  /** Set for inline parts referenced as `cid:<cid>` from the HTML. */
  cid?: string;
}

export interface MimeMessage {
  from: MimeAddress;
  to: MimeAddress[];
  cc: MimeAddress[];
  replyTo?: string | undefined;
  subject: string;
  messageId: string;
  date: Date;
  text: string;
  html?: string | undefined;
  inline: MimePart[];
  attachments: MimePart[];
}

const CRLF = "\r\n";
const LINE_LENGTH = 76; // RFC 2045 §6.7/§6.8: encoded lines at most 76 characters
const ATEXT_PHRASE = /^[\w!#$%&'*+/=?^`{|}~ .-]*$/; // a display name that needs no quoting (RFC 5322 §3.2.3)

/**
 * Header text (subject). nodemailer's `isPlainText` counts CR, LF and TAB as plain, and `encodeWords` leaves
 * plain text as is: a stored value with a line break would start a new header (injection). The schemas
 * refuse such values; a value that got in anyway (an old row, a direct database write) is written as one
 * RFC 2047 encoded word, where CR/LF are `=0D=0A` inside the word, never a line break of the message.
 */
function headerText(value: string): string {
  if (hasControlCharacter(value)) return mimeFuncs.encodeWord(value, "Q", 52);
  return mimeFuncs.isPlainText(value) ? value : mimeFuncs.encodeWords(value, "Q", 52);
}

/** A display name: as is when it is an RFC 5322 phrase, quoted when it needs it, else an RFC 2047 word. */
function displayName(name: string): string {
  if (hasControlCharacter(name) || !mimeFuncs.isPlainText(name)) return mimeFuncs.encodeWord(name, "Q", 52);
  return ATEXT_PHRASE.test(name) ? name : `"${name.replace(/["\\]/g, "\\$&")}"`;
}

/** What an address written in a header may not hold: whitespace, controls, brackets, separators. */
// eslint-disable-next-line no-control-regex
const ADDRESS_FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029<>,;"]/;

/**
 * An address goes into the header as typed; it cannot be encoded, so one that could break the header is a
 * refusal (a permanent failure of this message, `EENVELOPE`), never a header of its own.
 */
export function headerAddress(address: string): string {
  if (address === "" || ADDRESS_FORBIDDEN.test(address))
    throw Object.assign(new Error(`address refused in a mail header: ${JSON.stringify(address)}`), {
      code: "EENVELOPE",
      command: "MAIL FROM",
    });
  return address;
}

function formatAddress(a: MimeAddress): string {
  const address = headerAddress(a.address);
  return a.name ? `${displayName(a.name)} <${address}>` : address;
}

function header(name: string, value: string): string {
  return mimeFuncs.foldLines(`${name}: ${value}`, LINE_LENGTH);
}

function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

function boundary(): string {
  return `--_facteur_${randomBytes(12).toString("hex")}`;
}

/**
 * Every line break of a body becomes CRLF: a bare CR or a bare LF is a line end for some SMTP servers and
 * not for others, and a body line `\r.\r\n` written as is (nodemailer dot-stuffs only after LF) ends DATA
 * early on a relay that reads a bare CR as a line end, which then runs the commands that follow as a second,
 * smuggled message (SMTP smuggling). With CRLF only, every line start is after LF, where the DATA stream
 * dot-stuffs, and the content holds no line end the relay could read otherwise.
 */
export function normalizeLineBreaks(body: string): string {
  return body.replace(/\r\n|\r|\n/g, CRLF);
}

function textPart(body: string, subtype: "plain" | "html"): string {
  const normalized = normalizeLineBreaks(body);
  const ascii = mimeFuncs.isPlainText(normalized) && !mimeFuncs.hasLongerLines(normalized, LINE_LENGTH);
  const headers = [
    `Content-Type: text/${subtype}; charset=utf-8`,
    `Content-Transfer-Encoding: ${ascii ? "7bit" : "quoted-printable"}`,
  ];
  const content = ascii ? normalized : encodeQuotedPrintable(normalized);
  return headers.join(CRLF) + CRLF + CRLF + content;
}

/** File names and types are parameters of part headers: a control character there is replaced, not kept. */
function partHeaderValues(part: MimePart): { filename: string; contentType: string } {
  return {
    filename: part.filename.replace(new RegExp(SINGLE_LINE_FORBIDDEN.source, "g"), "_"),
    contentType: hasControlCharacter(part.contentType) ? "application/octet-stream" : part.contentType,
  };
}

function binaryPart(part: MimePart, disposition: "inline" | "attachment"): string {
  const { filename, contentType } = partHeaderValues(part);
  const lines = part.contentBase64.replace(/\s+/g, "").replace(/.{76}/g, `$&${CRLF}`).replace(/\r\n$/, "");
  const headers = [
    header("Content-Type", mimeFuncs.buildHeaderValue({ value: contentType, params: { name: filename } })),
    "Content-Transfer-Encoding: base64",
    header("Content-Disposition", mimeFuncs.buildHeaderValue({ value: disposition, params: { filename } })),
  ];
  if (part.cid) headers.push(`Content-ID: <${part.cid}>`);
  return headers.join(CRLF) + CRLF + CRLF + lines;
}

function multipart(subtype: "mixed" | "alternative" | "related", parts: string[]): string {
  const b = boundary();
  return (
    `Content-Type: multipart/${subtype}; boundary="${b}"` +
    CRLF +
    CRLF +
    parts.map((p) => `--${b}${CRLF}${p}${CRLF}`).join("") +
    `--${b}--`
  );
}

/** The whole message, CRLF line endings, ready for DATA. */
export function buildMime(message: MimeMessage): Buffer {
  let body: string;
  if (message.html === undefined) {
    body = textPart(message.text, "plain");
  } else {
    const html = textPart(message.html, "html");
    const htmlWithInline =
      message.inline.length > 0
        ? multipart("related", [html, ...message.inline.map((p) => binaryPart(p, "inline"))])
        : html;
    body = multipart("alternative", [textPart(message.text, "plain"), htmlWithInline]);
  }
  if (message.attachments.length > 0) {
    body = multipart("mixed", [body, ...message.attachments.map((p) => binaryPart(p, "attachment"))]);
  }
  const headers = [
    header("From", formatAddress(message.from)),
    header("To", message.to.map(formatAddress).join(", ")),
    ...(message.cc.length > 0 ? [header("Cc", message.cc.map(formatAddress).join(", "))] : []),
    ...(message.replyTo ? [header("Reply-To", headerAddress(message.replyTo))] : []),
    header("Subject", headerText(message.subject)),
    `Message-ID: ${message.messageId}`,
    `Date: ${rfc5322Date(message.date)}`,
    "MIME-Version: 1.0",
  ];
  const content = headers.join(CRLF) + CRLF + body;
  // DATA ends with CRLF.CRLF: the content must end with a line break, and only one is added.
  return Buffer.from(content.endsWith(CRLF) ? content : content + CRLF, "utf8");
}
