import { parseImapCapabilities } from "./capabilities.js";
import { ProbeError, type LineSession } from "./line-session.js";
import type { ProbeRun } from "./probe-run.js";
import type { StepName } from "./result.js";
import { MAX_LISTED_MAILBOXES } from "./timeouts.js";
import { REDACTED } from "./transcript.js";
import { imapAuthLine } from "../secrets/auth-reply.js";

export interface ImapResponse {
  /** Untagged lines (`* …`) received before the tagged completion. */
  untagged: string[];
  status: "OK" | "NO" | "BAD";
  /** The tagged line, e.g. `a3 NO [AUTHENTICATIONFAILED] Authentication failed.` */
  text: string;
}

/** `* OK [CAPABILITY IMAP4rev1 STARTTLS] ready` → the atoms, or null when the line carries none. */
export function capabilityAtoms(line: string): string[] | null {
  const match = /^\* (?:OK \[CAPABILITY ([^\]]*)\]|CAPABILITY (.*))/i.exec(line);
  if (!match) return null;
  return (match[1] ?? match[2] ?? "").trim().split(/\s+/).filter(Boolean);
}

/** Quotes an IMAP string (RFC 9051 §4.3); null when it needs a literal (CR, LF, NUL or 8-bit). */
export function imapQuote(value: string): string | null {
  if (/[\r\n\0\u0080-\uffff]/.test(value)) return null;
  return `"${value.replace(/[\\"]/g, "\\$&")}"`;
}

class ImapConversation {
  private counter = 0;

  constructor(
    private readonly session: LineSession,
    private readonly run: ProbeRun,
  ) {}

  /** Sends a tagged command and reads until its completion; NO/BAD become ProbeErrors unless allowed. */
  async command(
    step: StepName,
    text: string,
    display?: string,
    continuation?: string,
  ): Promise<ImapResponse> {
    const tag = `a${++this.counter}`;
    const shown = display ? `${tag} ${display}` : undefined;
    this.session.send(`${tag} ${text}`, shown);
    const untagged: string[] = [];
    for (;;) {
      const line = await this.session.readLine(step, this.run.timeouts.commandMs, shown ?? `${tag} ${text}`);
      if (line.startsWith("+") && continuation !== undefined) {
        this.session.send(continuation, REDACTED);
        continue;
      }
      if (line.startsWith(`${tag} `)) {
        const status = line
          .slice(tag.length + 1)
          .split(" ")[0]!
          .toUpperCase();
        if (status !== "OK") {
          // A reply to LOGIN/AUTHENTICATE keeps tag, status and response code only (secrets/auth-reply.ts).
          const reply = step === "auth" ? imapAuthLine(line) : line;
          throw new ProbeError({ step, command: shown ?? `${tag} ${text}`, reply, message: reply });
        }
        return { untagged, status: "OK", text: line };
      }
      untagged.push(line);
    }
  }
}

/** IMAP: greeting, CAPABILITY, STARTTLS, LOGIN (or AUTHENTICATE PLAIN), LIST count, LOGOUT. */
export async function probeImap(session: LineSession, run: ProbeRun): Promise<void> {
  const { request } = run;
  const imap = new ImapConversation(session, run);
  const greeting = await run.timed(
    "greeting",
    () => session.readLine("greeting", run.timeouts.greetingMs),
    (l) => l,
  );
  if (/^\* BYE/i.test(greeting))
    throw new ProbeError({ step: "greeting", code: "GREETING_REJECTED", reply: greeting, message: greeting });
  if (!/^\* (OK|PREAUTH)/i.test(greeting))
    throw new ProbeError({ step: "greeting", code: "WRONG_PROTOCOL", reply: greeting, message: greeting });
  const preauth = /^\* PREAUTH/i.test(greeting);

  const readCapabilities = async () => {
    const response = await run.timed("capability", () => imap.command("capability", "CAPABILITY"));
    const atoms = response.untagged.map(capabilityAtoms).find((a) => a !== null) ?? [];
    run.capabilities = parseImapCapabilities(atoms);
  };
  await readCapabilities();

  if (request.security === "starttls" && !preauth) {
    if (!run.capabilities!.starttls) {
      run.step("starttls", false, 0, "not advertised");
      throw new ProbeError({
        step: "starttls",
        code: "STARTTLS_NOT_OFFERED",
        message: "STARTTLS not in CAPABILITY",
      });
    }
    await run.timed(
      "starttls",
      async () => {
        await imap.command("starttls", "STARTTLS");
        return session.startTls("starttls");
      },
      (tls) => `${tls.version} ${tls.cipher}`,
    );
    // RFC 9051 §6.2.1: capabilities may differ after TLS (LOGINDISABLED goes away).
    await readCapabilities();
  }

  if (request.user !== undefined && request.password !== undefined && !preauth) {
    const { user, password } = request;
    if (run.capabilities!.loginDisabled) {
      run.step("auth", false, 0, "LOGINDISABLED");
      throw new ProbeError({
        step: "auth",
        code: "TLS_REQUIRED_FOR_AUTH",
        reply: "LOGINDISABLED",
        message: "LOGINDISABLED advertised",
      });
    }
    const quotedUser = imapQuote(user);
    const quotedPassword = imapQuote(password);
    await run.timed(
      "auth",
      () =>
        session.authExchange(imapAuthLine, () =>
          quotedUser && quotedPassword
            ? imap.command("auth", `LOGIN ${quotedUser} ${quotedPassword}`, `LOGIN ${REDACTED}`)
            : // 8-bit credentials: SASL PLAIN carries any UTF-8 (RFC 4616), no literal needed.
              imap.command(
                "auth",
                "AUTHENTICATE PLAIN",
                "AUTHENTICATE PLAIN",
                Buffer.from(`\u0000${user}\u0000${password}`).toString("base64"),
              ),
        ),
      () => (quotedUser && quotedPassword ? "LOGIN" : "AUTHENTICATE PLAIN"),
    );
    run.authenticated = true;
  }
  if (run.authenticated || preauth) {
    run.authenticated = true;
    const listed = await run.timed(
      "list",
      () => imap.command("list", 'LIST "" "*"'),
      (r) => `${r.untagged.filter((l) => /^\* LIST /i.test(l)).length} mailboxes`,
    );
    run.mailbox = {
      mailboxes: Math.min(listed.untagged.filter((l) => /^\* LIST /i.test(l)).length, MAX_LISTED_MAILBOXES),
    };
  }
  await run.timed("quit", () => imap.command("quit", "LOGOUT").catch(() => null));
}
