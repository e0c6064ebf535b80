import { REDACTED, type Redactor } from "../secrets/redact.js";
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

export { REDACTED };

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

/**
 * Collects transcript lines with timing, TLS flag, size limits and redaction: by shape for our own commands
 * (`redactCommand`), by value for every line (`redact`, from secrets/redact.ts: the secret in any encoding).
 */
export class Transcript {
  readonly entries: TranscriptEntry[] = [];
  private readonly startedAt: number;
  private dropped = 0;

  constructor(
    private readonly redact: Redactor = (text) => text,
    startedAt = performance.now(),
    /** For lines that carry the server's words (`recv`, `error`): by default the same as `redact`. */
    private readonly redactReply: Redactor = redact,
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
    shown = dir === "recv" || dir === "error" ? this.redactReply(shown) : this.redact(shown);
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
