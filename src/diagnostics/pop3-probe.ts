import { parsePop3Capabilities } from "./capabilities.js";
import { ProbeError, type LineSession } from "./line-session.js";
import type { ProbeRun } from "./probe-run.js";
import type { StepName } from "./result.js";
import { pop3AuthLine } from "../secrets/auth-reply.js";

/** Sends a POP3 command and reads its status line (`+OK` / `-ERR`, RFC 1939 §3). */
async function command(
  session: LineSession,
  run: ProbeRun,
  step: StepName,
  line: string,
  display?: string,
): Promise<string> {
  session.send(line, display);
  const reply = await session.readLine(step, run.timeouts.commandMs, display ?? line);
  if (!reply.startsWith("+OK")) {
    // A reply to USER/PASS/AUTH keeps its status and response code only (secrets/auth-reply.ts).
    const shown = step === "auth" ? pop3AuthLine(reply) : reply;
    throw new ProbeError({ step, command: display ?? line, reply: shown, message: shown });
  }
  return reply;
}

/** Reads a multi-line response body up to the lone "." (RFC 1939 §3), dot-unstuffed. */
async function readMultiline(session: LineSession, run: ProbeRun, step: StepName): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const line = await session.readLine(step, run.timeouts.commandMs);
    if (line === ".") return lines;
    lines.push(line.startsWith("..") ? line.slice(1) : line);
  }
}

/** `+OK 3 1200` → messages and octets (RFC 1939 §5 STAT). */
export function parseStat(reply: string): { messages: number; octets: number } | null {
  const match = /^\+OK\s+(\d+)\s+(\d+)/.exec(reply);
  return match ? { messages: Number(match[1]), octets: Number(match[2]) } : null;
}

async function readCapabilities(session: LineSession, run: ProbeRun): Promise<void> {
  await run.timed("capability", async () => {
    session.send("CAPA");
    const status = await session.readLine("capability", run.timeouts.commandMs, "CAPA");
    // -ERR: a pre-RFC 2449 server without CAPA; USER/PASS may still work.
    run.capabilities = parsePop3Capabilities(
      status.startsWith("+OK") ? await readMultiline(session, run, "capability") : [],
    );
  });
}

/** POP3: greeting, CAPA, STLS, USER/PASS, STAT, QUIT. */
export async function probePop3(session: LineSession, run: ProbeRun): Promise<void> {
  const { request } = run;
  const greeting = await run.timed(
    "greeting",
    () => session.readLine("greeting", run.timeouts.greetingMs),
    (l) => l,
  );
  if (greeting.startsWith("-ERR"))
    throw new ProbeError({ step: "greeting", code: "GREETING_REJECTED", reply: greeting, message: greeting });
  if (!greeting.startsWith("+OK"))
    throw new ProbeError({ step: "greeting", code: "WRONG_PROTOCOL", reply: greeting, message: greeting });
  await readCapabilities(session, run);

  if (request.security === "starttls") {
    if (!run.capabilities!.starttls) {
      run.step("starttls", false, 0, "not advertised");
      throw new ProbeError({ step: "starttls", code: "STARTTLS_NOT_OFFERED", message: "STLS not in CAPA" });
    }
    await run.timed(
      "starttls",
      async () => {
        await command(session, run, "starttls", "STLS");
        return session.startTls("starttls");
      },
      (tls) => `${tls.version} ${tls.cipher}`,
    );
    await readCapabilities(session, run); // RFC 2595 §4: capabilities change after STLS
  }

  if (request.user !== undefined && request.password !== undefined) {
    const { user, password } = request;
    await run.timed(
      "auth",
      () =>
        session.authExchange(pop3AuthLine, async () => {
          await command(session, run, "auth", `USER ${user}`);
          await command(session, run, "auth", `PASS ${password}`, "PASS [redacted]");
        }),
      () => "USER/PASS",
    );
    run.authenticated = true;
    const stat = await run.timed(
      "stat",
      () => command(session, run, "stat", "STAT"),
      (r) => r,
    );
    const parsed = parseStat(stat);
    if (parsed) run.mailbox = parsed;
  }
  await run.timed("quit", () => command(session, run, "quit", "QUIT").catch(() => null));
}
