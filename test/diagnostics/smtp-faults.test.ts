import type { Socket } from "node:net";
import type { SMTPServerAuthenticationResponse, SMTPServerOptions } from "smtp-server";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { formatTranscript } from "../../src/diagnostics/transcript.js";
import { makeCertificate, type TestCertificate } from "./helpers/certs.js";
import { expectFailure, expectNoSecret, probe } from "./helpers/probe.js";
import {
  closedPort,
  onLines,
  startRawServer,
  startSmtpServer,
  type RunningServer,
} from "./helpers/servers.js";

const USER = "alice@example.test";
const PASSWORD = "Tr0ub4dor&3-secret";

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** A submission server: AUTH PLAIN/LOGIN, accepts USER/PASSWORD only. */
function submission(extra: Partial<SMTPServerOptions> = {}): Partial<SMTPServerOptions> {
  return {
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD)
        callback(null, { user: USER } as SMTPServerAuthenticationResponse);
      else callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    ...extra,
  };
}

let good: TestCertificate;
let selfSigned: TestCertificate;
let expired: TestCertificate;
let wrongHost: TestCertificate;
const servers: RunningServer[] = [];

async function smtp(options: Partial<SMTPServerOptions>): Promise<number> {
  const server = await startSmtpServer(options);
  servers.push(server);
  return server.port;
}

async function raw(onConnection: (socket: Socket) => void): Promise<number> {
  const server = await startRawServer(onConnection);
  servers.push(server);
  return server.port;
}

beforeAll(() => {
  good = makeCertificate({ commonName: "localhost", names: ["IP:127.0.0.1", "DNS:localhost"] });
  selfSigned = good;
  expired = makeCertificate({ commonName: "localhost", names: ["IP:127.0.0.1"], expired: true });
  wrongHost = makeCertificate({ commonName: "mail.other.example", names: ["DNS:mail.other.example"] });
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("SMTP probe against real servers", () => {
  it("passes STARTTLS, AUTH and MAIL FROM / RCPT TO, with TLS details and capabilities", async () => {
    const port = await smtp(submission({ key: good.key, cert: good.cert, size: 10_485_760 }));
    const result = await probe({
      port,
      security: "starttls",
      user: USER,
      password: PASSWORD,
      from: USER,
      to: "bob@example.org",
      trust: { ca: good.cert },
    });
    expect(result.ok, formatTranscript(result.transcript)).toBe(true);
    expect(result.authenticated).toBe(true);
    expect(result.tls).toMatchObject({ mode: "starttls", authorized: true });
    expect(result.tls!.version).toMatch(/^TLSv1\.[23]$/);
    expect(result.tls!.certificate!.subjectAltNames).toContain("IP Address:127.0.0.1");
    expect(result.capabilities).toMatchObject({
      sizeLimit: 10_485_760,
      pipelining: true,
      eightBitMime: true,
      smtpUtf8: true,
    });
    expect(result.capabilities!.authMechanisms).toEqual(expect.arrayContaining(["PLAIN", "LOGIN"]));
    expect(result.steps.map((s) => s.name)).toEqual([
      "dns",
      "connect",
      "greeting",
      "ehlo",
      "starttls",
      "ehlo",
      "auth",
      "mail_from",
      "rcpt_to",
      "quit",
    ]);
    expect(result.transcript.some((e) => e.dir === "send" && e.text === "RSET")).toBe(true);
    expect(result.transcript.some((e) => e.text.startsWith("DATA"))).toBe(false);
    expect(result.dns).toEqual({ addresses: ["127.0.0.1"], used: "127.0.0.1", ms: expect.any(Number) });
    expectNoSecret(result, PASSWORD);
  });

  it("passes implicit TLS with AUTH LOGIN and never shows the base64 credentials", async () => {
    const port = await smtp(
      submission({ secure: true, key: good.key, cert: good.cert, authMethods: ["LOGIN"] }),
    );
    const result = await probe({
      port,
      security: "tls",
      user: USER,
      password: PASSWORD,
      trust: { ca: good.cert },
    });
    expect(result.ok, formatTranscript(result.transcript)).toBe(true);
    expect(result.tls?.mode).toBe("implicit");
    expect(result.steps.find((s) => s.name === "auth")?.detail).toBe("LOGIN");
    expect(result.transcript.filter((e) => e.text === "[redacted]")).toHaveLength(2);
    expectNoSecret(result, PASSWORD);
  });

  it("explains implicit TLS spoken to a STARTTLS port and proposes STARTTLS on the same port", async () => {
    const port = await smtp(submission({ key: good.key, cert: good.cert }));
    const result = await probe({
      port,
      security: "tls",
      user: USER,
      password: PASSWORD,
      trust: { ca: good.cert },
    });
    expectFailure(result, "TLS_MODE_MISMATCH_USE_STARTTLS", PASSWORD);
    expect(result.failure!.diagnosis.en).toContain("wrong version number");
    expect(result.suggestion).toEqual({ port, security: "starttls" });
  });

  it("explains plain text spoken to an implicit-TLS port (greeting never comes) and proposes SSL/TLS", async () => {
    const port = await smtp(submission({ secure: true, key: good.key, cert: good.cert }));
    const result = await probe({ port, security: "starttls", user: USER, password: PASSWORD });
    expectFailure(result, "TLS_MODE_MISMATCH_USE_TLS", PASSWORD);
    expect(result.alternatives.find((a) => a.port === port && a.security === "tls")).toMatchObject({
      ok: true,
      certificateOk: false,
    });
    expect(result.suggestion).toEqual({ port, security: "tls" });
  });

  it("explains a self-signed certificate", async () => {
    const port = await smtp(submission({ secure: true, key: selfSigned.key, cert: selfSigned.cert }));
    const result = await probe({ port, security: "tls", user: USER, password: PASSWORD });
    expectFailure(result, "CERT_SELF_SIGNED", PASSWORD);
    expect(result.tls?.certificate?.selfSigned).toBe(true);
    expect(result.steps.some((s) => s.name === "auth")).toBe(false); // no password over an unverified channel
  });

  it("explains an expired certificate", async () => {
    const port = await smtp(submission({ secure: true, key: expired.key, cert: expired.cert }));
    const result = await probe({ port, security: "tls", trust: { ca: expired.cert } });
    expectFailure(result, "CERT_EXPIRED");
    expect(result.tls?.certificate?.validTo).toBe("2020-02-01T00:00:00.000Z");
  });

  it("explains a certificate issued for another host name (STARTTLS)", async () => {
    const port = await smtp(submission({ key: wrongHost.key, cert: wrongHost.cert }));
    const result = await probe({ port, security: "starttls", trust: { ca: wrongHost.cert } });
    expectFailure(result, "CERT_HOSTNAME_MISMATCH");
    expect(result.tls?.certificate?.subjectAltNames).toEqual(["DNS:mail.other.example"]);
  });

  it("goes on with a bad certificate when asked, and warns", async () => {
    const port = await smtp(submission({ secure: true, key: selfSigned.key, cert: selfSigned.cert }));
    const result = await probe({
      port,
      security: "tls",
      user: USER,
      password: PASSWORD,
      trust: { acceptInvalidCertificate: true },
    });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.code)).toContain("CERTIFICATE_NOT_VERIFIED");
  });

  it("explains AUTH hidden until STARTTLS when the test stays in clear text", async () => {
    const port = await smtp(
      submission({
        key: good.key,
        cert: good.cert,
        onConnect(session, callback) {
          (session as unknown as { disabledCommands: string[] }).disabledCommands = ["AUTH"];
          callback();
        },
      }),
    );
    const result = await probe({ port, security: "none", user: USER, password: PASSWORD });
    expectFailure(result, "AUTH_NOT_OFFERED_BEFORE_STARTTLS", PASSWORD);
  });

  it("explains AUTH refused before STARTTLS (538) as encryption required", async () => {
    const port = await smtp(submission({ key: good.key, cert: good.cert }));
    const result = await probe({ port, security: "none", user: USER, password: PASSWORD });
    expectFailure(result, "TLS_REQUIRED_FOR_AUTH", PASSWORD);
    expect(result.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(["PLAIN_ON_SUBMISSION_PORT", "STARTTLS_AVAILABLE_UNUSED"]),
    );
    expect(result.suggestion).toEqual({ port: result.port, security: "starttls" });
  });

  it("explains a wrong password (535)", async () => {
    const port = await smtp(submission({ allowInsecureAuth: true, disabledCommands: ["STARTTLS"] }));
    const result = await probe({ port, user: USER, password: "not-the-password" });
    expectFailure(result, "AUTH_FAILED", "not-the-password");
    expect(result.failure!.reply).toContain("535");
  });

  it("explains 530 authentication required on MAIL FROM", async () => {
    const port = await smtp(submission({ disabledCommands: ["STARTTLS"] }));
    const result = await probe({ port, from: USER, to: "bob@example.org" });
    expectFailure(result, "AUTH_REQUIRED");
  });

  it("explains 554 relay access denied on RCPT TO", async () => {
    const port = await smtp({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      onRcptTo(_address, _session, callback) {
        callback(smtpError(554, "5.7.1 <bob@example.org>: Relay access denied"));
      },
    });
    const result = await probe({ port, from: USER, to: "bob@example.org" });
    expectFailure(result, "RELAY_DENIED");
  });

  it("explains a refused sender (553 on MAIL FROM)", async () => {
    const port = await smtp({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      onMailFrom(_address, _session, callback) {
        callback(smtpError(553, "5.7.1 Sender address rejected: not owned by user"));
      },
    });
    const result = await probe({ port, from: "boss@example.org", to: "bob@example.org" });
    expectFailure(result, "SENDER_REFUSED");
  });

  it("explains greylisting (451 on RCPT TO) as temporary", async () => {
    const port = await smtp({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      onRcptTo(_address, _session, callback) {
        callback(smtpError(451, "4.7.1 Greylisted, please try again later"));
      },
    });
    const result = await probe({ port, from: USER, to: "bob@example.org" });
    expectFailure(result, "GREYLISTED");
    expect(result.failure!.temporary).toBe(true);
  });

  it("explains 421 at connection as a temporary unavailability", async () => {
    const port = await smtp({
      onConnect(_session, callback) {
        callback(smtpError(421, "4.7.0 Too many connections, try later"));
      },
    });
    const result = await probe({ port });
    expectFailure(result, "SERVICE_UNAVAILABLE");
    expect(result.failure!.temporary).toBe(true);
  });

  it("explains a greeting that comes after the timeout", async () => {
    const port = await raw((socket) => {
      setTimeout(() => socket.writable && socket.write("220 slow.example ESMTP\r\n"), 3_000);
    });
    const result = await probe({ port, tryAlternatives: false });
    expectFailure(result, "GREETING_TIMEOUT");
  });

  it("explains a connection dropped mid-session", async () => {
    const port = await raw((socket) => {
      socket.write("220 flaky.example ESMTP\r\n");
      onLines(socket, () => socket.destroy());
    });
    const result = await probe({ port, tryAlternatives: false });
    expectFailure(result, "CONNECTION_DROPPED");
    expect(result.steps.at(-1)).toMatchObject({ name: "ehlo", ok: false });
  });

  it("explains a tarpit (replies slower than the command timeout)", async () => {
    const port = await raw((socket) => {
      socket.write("220 tarpit.example ESMTP\r\n");
      onLines(socket, () =>
        setTimeout(() => socket.writable && socket.write("250 tarpit.example\r\n"), 3_000),
      );
    });
    const result = await probe({ port, tryAlternatives: false });
    expectFailure(result, "REPLY_TIMEOUT");
  });

  it("explains an IMAP server on the SMTP port", async () => {
    const port = await raw((socket) => socket.write("* OK [CAPABILITY IMAP4rev1] IMAP ready\r\n"));
    const result = await probe({ port, tryAlternatives: false });
    expectFailure(result, "WRONG_PROTOCOL");
  });

  it("explains a refused connection", async () => {
    const result = await probe({ port: await closedPort(), tryAlternatives: false });
    expectFailure(result, "CONNECTION_REFUSED");
  });

  it("refuses cloud metadata addresses before connecting", async () => {
    const result = await probe({ host: "169.254.169.254", port: 25 });
    expectFailure(result, "TARGET_BLOCKED");
    expect(result.steps.map((s) => s.name)).toEqual(["dns"]);
  });

  it("explains an unknown host name", async () => {
    const result = await probe({ host: "no-such-host.invalid", port: 587 });
    expect(["DNS_NOT_FOUND", "DNS_TEMPORARY_FAILURE"]).toContain(result.failure?.code);
    expectFailure(result, result.failure!.code);
  });
});

describe("SMTP CRAM-MD5 (encrypted password)", () => {
  it("authenticates with CRAM-MD5 when asked, without sending the password", async () => {
    const server = await startSmtpServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      authMethods: ["CRAM-MD5", "PLAIN"],
      onAuth(auth, _session, callback) {
        const valid = auth.method === "CRAM-MD5" && auth.username === USER && auth.validatePassword(PASSWORD);
        if (valid) callback(null, { user: USER } as SMTPServerAuthenticationResponse);
        else callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
      },
    });
    try {
      const result = await probe({
        port: server.port,
        user: USER,
        password: PASSWORD,
        preferChallengeAuth: true,
      });
      expect(result.ok, formatTranscript(result.transcript)).toBe(true);
      expect(result.steps.find((s) => s.name === "auth")?.detail).toBe("CRAM-MD5");
      expectNoSecret(result, PASSWORD);
    } finally {
      await server.close();
    }
  });
});
