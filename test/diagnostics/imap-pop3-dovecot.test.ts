import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTranscript } from "../../src/diagnostics/transcript.js";
import { startDovecot, type DovecotInstance } from "./helpers/dovecot.js";
import { expectFailure, expectNoSecret, probe } from "./helpers/probe.js";

let dovecot: DovecotInstance;
/** Dovecot forks its login and auth processes on first use: give it time, it is not the fault under test. */
const PATIENT = { connectMs: 5_000, greetingMs: 5_000, commandMs: 5_000, dnsMs: 3_000 };

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  await dovecot?.stop();
});

describe("IMAP probe against Dovecot", () => {
  it("logs in over STARTTLS and counts the mailboxes", async () => {
    const result = await probe({
      protocol: "imap",
      port: dovecot.imapPort,
      security: "starttls",
      user: dovecot.user,
      password: dovecot.password,
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expect(result.ok, formatTranscript(result.transcript)).toBe(true);
    expect(result.authenticated).toBe(true);
    expect(result.tls).toMatchObject({ mode: "starttls", authorized: true });
    expect(result.mailbox?.mailboxes).toBeGreaterThanOrEqual(1);
    expect(result.capabilities?.authMechanisms).toEqual(expect.arrayContaining(["PLAIN"]));
    expect(result.transcript.some((e) => e.dir === "send" && /^a\d+ LOGIN \[redacted\]$/.test(e.text))).toBe(
      true,
    );
    expectNoSecret(result, dovecot.password);
  });

  it("logs in over implicit TLS (993-style port)", async () => {
    const result = await probe({
      protocol: "imap",
      port: dovecot.imapsPort,
      security: "tls",
      user: dovecot.user,
      password: dovecot.password,
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expect(result.ok, formatTranscript(result.transcript)).toBe(true);
    expect(result.tls?.mode).toBe("implicit");
  });

  it("explains [AUTHENTICATIONFAILED] on a wrong password", async () => {
    const result = await probe({
      protocol: "imap",
      port: dovecot.imapsPort,
      security: "tls",
      user: dovecot.user,
      password: "wrong-Passw0rd",
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expectFailure(result, "AUTH_FAILED", "wrong-Passw0rd");
    expect(result.failure!.reply).toContain("[AUTHENTICATIONFAILED]");
    expect(result.failure!.fix.fr).toContain("IMAP");
  });

  it("explains TLS spoken to the plain IMAP port", async () => {
    const result = await probe({
      protocol: "imap",
      port: dovecot.imapPort,
      security: "tls",
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expectFailure(result, "TLS_MODE_MISMATCH_USE_STARTTLS");
    expect(result.suggestion).toEqual({ port: dovecot.imapPort, security: "starttls" });
  });
});

describe("POP3 probe against Dovecot", () => {
  it("logs in after STLS and reads STAT", async () => {
    const result = await probe({
      protocol: "pop3",
      port: dovecot.pop3Port,
      security: "starttls",
      user: dovecot.user,
      password: dovecot.password,
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expect(result.ok, formatTranscript(result.transcript)).toBe(true);
    expect(result.mailbox).toEqual({ messages: 1, octets: expect.any(Number) });
    expect(result.steps.find((s) => s.name === "starttls")?.ok).toBe(true);
    expect(result.tls?.mode).toBe("starttls");
    expect(result.transcript.some((e) => e.dir === "send" && e.text === "PASS [redacted]")).toBe(true);
    expectNoSecret(result, dovecot.password);
  });

  it("logs in over implicit TLS (995-style port)", async () => {
    const result = await probe({
      protocol: "pop3",
      port: dovecot.pop3sPort,
      security: "tls",
      user: dovecot.user,
      password: dovecot.password,
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expect(result.ok, formatTranscript(result.transcript)).toBe(true);
  });

  it("explains -ERR [AUTH] on a wrong password", async () => {
    const result = await probe({
      protocol: "pop3",
      port: dovecot.pop3sPort,
      security: "tls",
      user: dovecot.user,
      password: "wrong-Passw0rd",
      trust: { ca: dovecot.ca },
      timeouts: PATIENT,
    });
    expectFailure(result, "AUTH_FAILED", "wrong-Passw0rd");
    expect(result.failure!.reply).toMatch(/^-ERR/);
  });

  it("explains plain text on the POP3S port as a TLS mode mismatch", async () => {
    const result = await probe({
      protocol: "pop3",
      port: dovecot.pop3sPort,
      security: "starttls",
      trust: { ca: dovecot.ca },
    });
    expectFailure(result, "TLS_MODE_MISMATCH_USE_TLS");
    expect(result.suggestion).toEqual({ port: dovecot.pop3sPort, security: "tls" });
  });
});
