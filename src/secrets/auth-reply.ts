/**
 * STRUCTURAL redaction of authentication replies. A server's answer to an AUTH exchange (SMTP `AUTH …` and
 * every continuation line, IMAP `LOGIN`/`AUTHENTICATE`, POP3 `USER`/`PASS`/`AUTH`) is the one place where a
 * careless or hostile server repeats the credentials, in any form (split over lines, truncated, re-encoded):
 * its free text is therefore never kept. What survives is what the protocol defines — the reply code, the
 * RFC 3463 enhanced status code (`5.7.8`), IMAP's status and RFC 5530 response code atom, POP3's RFC 2449/3206
 * response code — followed by a fixed description written by Facteur. The diagnostics catalog explains the
 * failure in FR/EN from those codes.
 *
 * The description is chosen from a short fixed list, by the same evidence the classifier looks for
 * (diagnostics/explain.ts: app password, encryption required), so the summary still classifies the same way;
 * each description holds its own trigger words, which makes the summaries idempotent.
 */

/** Said of every withheld text: what the reply was, not what it said. */
const WITHHELD = "server text withheld (reply to an authentication step) / texte du serveur masqué";

const HINTS: ReadonlyArray<[RegExp, string]> = [
  [
    /application-specific|app password|web browser|5\.7\.9/i,
    "application-specific password required (app password)",
  ],
  [
    /plaintext authentication disallowed|privacyrequired|starttls|\btls\b|\bssl\b|encrypt/i,
    "encryption required before authentication: plaintext authentication disallowed (TLS)",
  ],
];

function hint(text: string): string {
  return HINTS.find(([pattern]) => pattern.test(text))?.[1] ?? WITHHELD;
}

const SMTP_LINE = /^(\d{3})([ -]|$)(?:([245]\.\d{1,3}\.\d{1,3})(?=\s|$))?/;
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** One SMTP reply line of an AUTH exchange (`535-5.7.8 …`, `334 VXNlcm5hbWU6`) → code, enhanced code, fixed text. */
export function smtpAuthLine(line: string): string {
  const match = SMTP_LINE.exec(line);
  if (!match) return `[${WITHHELD}]`;
  const [, code, sep, enhanced] = match;
  const head = `${code}${sep === "-" ? "-" : " "}${enhanced ? `${enhanced} ` : ""}`;
  // 334 carries a base64 challenge or prompt (RFC 4954 §4): never useful to show, never kept.
  return `${head}[${code === "334" ? "challenge withheld" : hint(line)}]`;
}

/**
 * A whole SMTP reply of an AUTH exchange → `535 5.7.8 [fixed text]`. `enhanced` may come from a parser
 * (diagnostics' SmtpReply) or be read from the text (nodemailer's `err.response`).
 */
export function smtpAuthReply(code: number | null, enhanced: string | null, text: string): string {
  const first = SMTP_LINE.exec(text);
  const replyCode = code ?? (first ? Number(first[1]) : null);
  const status = enhanced && ENHANCED.test(enhanced) ? enhanced : (first?.[3] ?? null);
  const parts = [replyCode === null ? null : String(replyCode), status].filter((p) => p !== null);
  return `${parts.join(" ")}${parts.length ? " " : ""}[${replyCode === 334 ? "challenge withheld" : hint(text)}]`;
}

/**
 * Response codes kept: only registered atoms (RFC 9051 §7.1, RFC 5530; POP3: RFC 2449, RFC 3206). Any other
 * bracketed word could be the password itself (`a3 NO [Q9Zk7vB2]`): dropped. Tags: ours only (`a12`).
 */
const IMAP_CODES = new Set([
  "ALERT",
  "AUTHENTICATIONFAILED",
  "AUTHORIZATIONFAILED",
  "EXPIRED",
  "PRIVACYREQUIRED",
  "CONTACTADMIN",
  "NOPERM",
  "INUSE",
  "UNAVAILABLE",
  "SERVERBUG",
  "CLIENTBUG",
  "CANNOT",
  "LIMIT",
  "OVERQUOTA",
  "PARSE",
]);
const POP3_CODES = new Set(["AUTH", "SYS/TEMP", "SYS/PERM", "IN-USE", "LOGIN-DELAY", "UTF8"]);
const known = (code: string | undefined, codes: ReadonlySet<string>) =>
  code !== undefined && codes.has(code.toUpperCase()) ? `[${code.toUpperCase()}]` : undefined;

const IMAP_LINE =
  /^(\*|\+|a\d{1,6})(?: (OK|NO|BAD|BYE|PREAUTH)\b)?(?: \[([A-Za-z][A-Za-z0-9-]{0,39})[\] ])?/i;

/** One IMAP line of a LOGIN/AUTHENTICATE exchange → our tag, status, registered response code, fixed text. */
export function imapAuthLine(line: string): string {
  const match = IMAP_LINE.exec(line);
  if (!match) return `[${WITHHELD}]`;
  const [, tag, status, code] = match;
  if (tag === "+") return "+ [challenge withheld]";
  return `${[tag, status?.toUpperCase(), known(code, IMAP_CODES)].filter(Boolean).join(" ")} [${hint(line)}]`;
}

const POP3_LINE = /^([+-](?:OK|ERR))\b(?: \[([A-Za-z][A-Za-z/-]{0,29})\])?/i;

/** One POP3 status line answering USER/PASS/AUTH → `-ERR [AUTH] [fixed text]`. */
export function pop3AuthLine(line: string): string {
  if (line.startsWith("+ ") || line === "+") return "+ [challenge withheld]";
  const match = POP3_LINE.exec(line);
  if (!match) return `[${WITHHELD}]`;
  const [, status, code] = match;
  return `${[status!.toUpperCase(), known(code, POP3_CODES)].filter(Boolean).join(" ")} [${hint(line)}]`;
}

export type AuthLineSummary = (line: string) => string;

export const AUTH_LINE_SUMMARY: Record<"smtp" | "imap" | "pop3", AuthLineSummary> = {
  smtp: smtpAuthLine,
  imap: imapAuthLine,
  pop3: pop3AuthLine,
};

/** nodemailer commands of the AUTH exchange (`AUTH PLAIN`, `AUTH LOGIN`, `AUTH CRAM-MD5`, `AUTH XOAUTH2`…). */
export function isAuthExchange(error: { code?: string | undefined; command?: string | undefined }): boolean {
  return error.code === "EAUTH" || /^AUTH\b/i.test(error.command ?? "");
}
