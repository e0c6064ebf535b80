import type { LineSession } from "./line-session.js";
import { ProbeError } from "./line-session.js";
import type { StepName } from "./result.js";
import { smtpAuthLine } from "../secrets/auth-reply.js";

/** One SMTP reply, possibly multi-line (RFC 5321 §4.2.1: "250-…" continues, "250 …" ends). */
export interface SmtpReply {
  code: number;
  /** Enhanced status code (RFC 3463) when present: "5.7.8". */
  enhanced: string | null;
  /** Text of each line without the code. */
  lines: string[];
  /** The whole reply as received, lines joined by " / " for display. */
  text: string;
}

const REPLY_LINE = /^(\d{3})([ -])(.*)$/;
const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})\s/;

/** Reads one complete reply; a line that is not `ddd[ -]` is a protocol error (e.g. an IMAP greeting). */
export async function readSmtpReply(
  session: LineSession,
  step: StepName,
  timeoutMs: number,
  command?: string,
): Promise<SmtpReply> {
  const raw: string[] = [];
  const lines: string[] = [];
  let code = 0;
  for (;;) {
    const line = await session.readLine(step, timeoutMs, command);
    raw.push(line);
    const match = REPLY_LINE.exec(line) ?? (/^\d{3}$/.test(line) ? [line, line, " ", ""] : null);
    if (!match) {
      // During AUTH the server's words are never kept (secrets/auth-reply.ts).
      const shown = step === "auth" ? smtpAuthLine(line) : line;
      throw new ProbeError({
        step,
        code: "WRONG_PROTOCOL",
        ...(command ? { command } : {}),
        reply: shown,
        message: `not an SMTP reply: ${shown}`,
      });
    }
    code = Number(match[1]);
    lines.push(match[3] ?? "");
    if (match[2] === " ") break;
  }
  const enhanced = ENHANCED.exec(lines[0] ?? "")?.[1] ?? null;
  return { code, enhanced, lines, text: raw.join(" / ") };
}

/** Reply class (Haraka's rule, RFC 5321 §4.2.1): 2xx/3xx positive, 4xx temporary, 5xx permanent. */
export function replyClass(code: number): "positive" | "temporary" | "permanent" {
  if (code >= 500) return "permanent";
  if (code >= 400) return "temporary";
  return "positive";
}
