import { MAX_TRANSCRIPT_ENTRIES, MAX_TRANSCRIPT_LINE_CHARS } from "./timeouts.js";

/** `send`/`recv` are protocol lines (swaks' `->` / `<-`), `info` and `error` are Facteur's own notes. */
export type TranscriptDirection = "send" | "recv" | "info" | "error";

export interface TranscriptEntry {
  /** Milliseconds since the probe started. */
  at: number;
  dir: TranscriptDirection;
  /** True once the line travelled inside TLS (swaks prints `~>` / `<~`). */
  tls: boolean;
  text: string;
}

export const REDACTED = "[redacted]";

/**
 * Command shapes that carry credentials, redacted even when a probe forgot to mark the line secret
 * (defence in depth: a transcript is stored and shown, a password must never be in it).
 */
const CREDENTIAL_COMMANDS: ReadonlyArray<[RegExp, (match: RegExpMatchArray) => string]> = [
  // SMTP/POP3 AUTH with an initial response: AUTH PLAIN <b64>, AUTH LOGIN <b64>, AUTH XOAUTH2 <b64>
  [/^(AUTH\s+\S+)\s+\S+/i, (m) => `${m[1]} ${REDACTED}`],
  // POP3 PASS <password>
  [/^(PASS)\s.*$/i, (m) => `${m[1]} ${REDACTED}`],
  // IMAP: <tag> LOGIN <user> <password>, <tag> AUTHENTICATE <mech> <b64>
  [/^(\S+\s+LOGIN)\s.*$/i, (m) => `${m[1]} ${REDACTED}`],
  [/^(\S+\s+AUTHENTICATE\s+\S+)\s+\S+/i, (m) => `${m[1]} ${REDACTED}`],
];

/** Redacts credential arguments of a command line sent by the client. */
export function redactCommand(line: string): string {
  for (const [pattern, replace] of CREDENTIAL_COMMANDS) {
    const match = line.match(pattern);
    if (match) return replace(match);
  }
  return line;
}

/** Every form a secret can take on the wire: itself, base64 (AUTH LOGIN), and the AUTH PLAIN blob. */
export function secretForms(user: string | undefined, password: string | undefined): string[] {
  if (!password) return [];
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  const forms = [password, b64(password)];
  if (user !== undefined)
    forms.push(b64(`\u0000${user}\u0000${password}`), b64(`${user}\u0000${user}\u0000${password}`));
  // Base64 of the password also appears unpadded or inside a longer blob: keep the aligned core.
  const core = b64(password).replace(/=+$/, "");
  if (core.length >= 8) forms.push(core.slice(0, core.length - (core.length % 4)));
  // IMAP quoted strings escape \ and ".
  forms.push(password.replace(/[\\"]/g, "\\$&"));
  return [...new Set(forms.filter((f) => f.length >= 3))].sort((a, b) => b.length - a.length);
}

/** Collects transcript lines with timing, TLS flag, size limits and redaction. */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly startedAt: number;
  private dropped = 0;

  constructor(
    private readonly secrets: string[] = [],
    startedAt = performance.now(),
  ) {
    this.startedAt = startedAt;
  }

  /** Adds a line; `display` replaces the real text (e.g. a base64 credential becomes `[redacted]`). */
  add(dir: TranscriptDirection, text: string, tls: boolean, display?: string): void {
    if (this.entries.length >= MAX_TRANSCRIPT_ENTRIES) {
      this.dropped += 1;
      return;
    }
    let shown = display ?? (dir === "send" ? redactCommand(text) : text);
    for (const secret of this.secrets) shown = shown.split(secret).join(REDACTED);
    if (shown.length > MAX_TRANSCRIPT_LINE_CHARS) shown = `${shown.slice(0, MAX_TRANSCRIPT_LINE_CHARS)}…`;
    this.entries.push({ at: Math.round(performance.now() - this.startedAt), dir, tls, text: shown });
  }

  info(text: string, tls = false): void {
    this.add("info", text, tls);
  }

  /** The entries, with a last note when lines were cut. */
  toJSON(): TranscriptEntry[] {
    if (this.dropped === 0) return this.entries;
    const note = `… ${this.dropped} more lines not kept`;
    return [...this.entries, { at: this.entries.at(-1)?.at ?? 0, dir: "info", tls: false, text: note }];
  }
}

const PREFIX: Record<TranscriptDirection, [string, string]> = {
  send: [" -> ", " ~> "],
  recv: ["<-  ", "<~  "],
  info: ["=== ", "=== "],
  error: ["*** ", "*** "],
};

/** swaks-like text: ` -> EHLO`, `<-  250 …`, `~>`/`<~` inside TLS, `===` notes, `***` errors. */
export function formatTranscript(entries: readonly TranscriptEntry[]): string {
  return entries.map((e) => `${PREFIX[e.dir][e.tls ? 1 : 0]}${e.text}`).join("\n");
}
