import { isIPv6 } from "node:net";
import { parseEhloCapabilities } from "./capabilities.js";
import { ProbeError, type LineSession } from "./line-session.js";
import type { ProbeRun } from "./probe-run.js";
import type { StepName } from "./result.js";
import { readSmtpReply, type SmtpReply } from "./smtp-reply.js";
import { REDACTED } from "./transcript.js";
import { smtpAuthLine, smtpAuthReply } from "../secrets/auth-reply.js";

/**
 * EHLO argument: the address literal of our side of the connection (RFC 5321 §4.1.3). Always valid
 * syntax, unlike a container's short host name, which Postfix's reject_non_fqdn_helo_hostname refuses.
 */
export function ehloName(localAddress: string | undefined): string {
  if (!localAddress) return "[127.0.0.1]";
  const plain = localAddress.replace(/^::ffff:(?=\d+\.)/i, "");
  return isIPv6(plain) ? `[IPv6:${plain}]` : `[${plain}]`;
}

/**
 * Mechanisms we can speak with a password. PLAIN first (one round trip, safe inside TLS); CRAM-MD5
 * (RFC 2195, the "encrypted password" of mail clients) first only when the account is set up for it.
 */
const PASSWORD_MECHANISMS = ["PLAIN", "LOGIN", "CRAM-MD5"] as const;
const CHALLENGE_FIRST = ["CRAM-MD5", "PLAIN", "LOGIN"] as const;

/** RFC 2195 §2: base64("user " + hex(HMAC-MD5(password, challenge))). */
export function cramMd5Response(user: string, password: string, challengeBase64: string): string {
  const challenge = Buffer.from(challengeBase64, "base64");
  // node:crypto only for CRAM-MD5: importing it as an ES module builds its whole namespace (X509…) up front.
  const digest = process
    .getBuiltinModule("node:crypto")
    .createHmac("md5", password)
    .update(challenge)
    .digest("hex");
  return Buffer.from(`${user} ${digest}`, "utf8").toString("base64");
}

async function command(
  session: LineSession,
  run: ProbeRun,
  step: StepName,
  line: string,
  expect: (code: number) => boolean,
  display?: string,
): Promise<SmtpReply> {
  session.send(line, display);
  const reply = await readSmtpReply(session, step, run.timeouts.commandMs, display ?? line);
  if (!expect(reply.code)) {
    // A reply to an AUTH step keeps its codes only: its text may repeat the credentials in any form.
    const text = step === "auth" ? smtpAuthReply(reply.code, reply.enhanced, reply.text) : reply.text;
    throw new ProbeError({
      step,
      command: display ?? line,
      reply: text,
      replyCode: reply.code,
      message: text,
    });
  }
  return reply;
}

async function ehlo(session: LineSession, run: ProbeRun): Promise<void> {
  const reply = await run.timed(
    "ehlo",
    () => command(session, run, "ehlo", `EHLO ${ehloName(session.localAddress)}`, (c) => c === 250),
    (r) => `${r.lines.length - 1} extensions`,
  );
  run.capabilities = parseEhloCapabilities(reply.lines);
}

async function authenticate(
  session: LineSession,
  run: ProbeRun,
  user: string,
  password: string,
): Promise<void> {
  const caps = run.capabilities!;
  if (caps.authMechanisms.length === 0) {
    // RFC 4954 §4 lets servers hide AUTH until TLS (Postfix smtpd_tls_auth_only): say so precisely.
    const code = !session.isSecure && caps.starttls ? "AUTH_NOT_OFFERED_BEFORE_STARTTLS" : "AUTH_NOT_OFFERED";
    run.step("auth", false, 0, "no AUTH in EHLO");
    throw new ProbeError({ step: "auth", code, message: "the server did not advertise AUTH" });
  }
  const order = run.request.preferChallengeAuth ? CHALLENGE_FIRST : PASSWORD_MECHANISMS;
  const mechanism = order.find((m) => caps.authMechanisms.includes(m));
  if (!mechanism) {
    run.step("auth", false, 0, caps.authMechanisms.join(" "));
    throw new ProbeError({
      step: "auth",
      code: "AUTH_MECHANISM_UNSUPPORTED",
      message: `offered: ${caps.authMechanisms.join(" ")}`,
    });
  }
  const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
  await run.timed(
    "auth",
    () =>
      session.authExchange(smtpAuthLine, async () => {
        if (mechanism === "PLAIN") {
          // RFC 4616: authzid NUL authcid NUL passwd, sent as the initial response (RFC 4954 §4).
          await command(
            session,
            run,
            "auth",
            `AUTH PLAIN ${b64(`\u0000${user}\u0000${password}`)}`,
            (c) => c === 235,
            `AUTH PLAIN ${REDACTED}`,
          );
          return;
        }
        if (mechanism === "CRAM-MD5") {
          const challenge = await command(session, run, "auth", "AUTH CRAM-MD5", (c) => c === 334);
          const response = cramMd5Response(user, password, challenge.lines[0] ?? "");
          await command(session, run, "auth", response, (c) => c === 235, REDACTED);
          return;
        }
        await command(session, run, "auth", "AUTH LOGIN", (c) => c === 334);
        await command(session, run, "auth", b64(user), (c) => c === 334, REDACTED);
        await command(session, run, "auth", b64(password), (c) => c === 235, REDACTED);
      }),
    () => mechanism,
  );
  run.authenticated = true;
}

/** SMTP: greeting, EHLO, STARTTLS, AUTH, MAIL FROM / RCPT TO (then RSET: no DATA, nothing sent), QUIT. */
export async function probeSmtp(session: LineSession, run: ProbeRun): Promise<void> {
  const { request } = run;
  const greeting = await run.timed(
    "greeting",
    () => readSmtpReply(session, "greeting", run.timeouts.greetingMs),
    (r) => r.text,
  );
  if (greeting.code !== 220) {
    throw new ProbeError({
      step: "greeting",
      reply: greeting.text,
      replyCode: greeting.code,
      message: greeting.text,
    });
  }
  await ehlo(session, run);
  if (request.security === "starttls") {
    if (!run.capabilities!.starttls) {
      run.step("starttls", false, 0, "not advertised");
      throw new ProbeError({
        step: "starttls",
        code: "STARTTLS_NOT_OFFERED",
        message: "STARTTLS not advertised in EHLO",
      });
    }
    await run.timed(
      "starttls",
      async () => {
        await command(session, run, "starttls", "STARTTLS", (c) => c === 220);
        return session.startTls("starttls");
      },
      (tls) => `${tls.version} ${tls.cipher}`,
    );
    // RFC 3207 §4.2: forget what was learnt in clear text and ask again.
    await ehlo(session, run);
  }
  if (request.user !== undefined && request.password !== undefined) {
    await authenticate(session, run, request.user, request.password);
  }
  if (request.from !== undefined) {
    await run.timed(
      "mail_from",
      () => command(session, run, "mail_from", `MAIL FROM:<${request.from}>`, (c) => c === 250),
      (r) => r.text,
    );
    if (request.to !== undefined) {
      await run.timed(
        "rcpt_to",
        () => command(session, run, "rcpt_to", `RCPT TO:<${request.to}>`, (c) => c === 250 || c === 251),
        (r) => r.text,
      );
    }
    // Abort the transaction: a test never reaches DATA.
    session.send("RSET");
    await readSmtpReply(session, "quit", run.timeouts.commandMs, "RSET").catch(() => undefined);
  }
  await run.timed("quit", async () => {
    session.send("QUIT");
    // A missing 221 is not a failure of the settings: the test already has its answer.
    return readSmtpReply(session, "quit", run.timeouts.commandMs, "QUIT").catch(() => null);
  });
}
