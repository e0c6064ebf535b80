import { describe, expect, it } from "vitest";
import { coreErrors } from "../../src/domain/codes/core.js";
import { diagnosticsErrors, type ProbeFailureCode } from "../../src/domain/codes/diagnostics.js";
import { sendingErrors } from "../../src/domain/codes/sending.js";
import { clientsErrors } from "../../src/domain/codes/clients.js";
import { ALTERNATIVE_TRIGGERS, alternativeSettings } from "../../src/diagnostics/alternatives.js";
import { EXPLANATIONS } from "../../src/diagnostics/explain-text.js";
import {
  classifyFailure,
  explainCode,
  explainFailure,
  type FailureContext,
} from "../../src/diagnostics/explain.js";
import type { ProbeFailure } from "../../src/diagnostics/result.js";

const smtp587: FailureContext = {
  protocol: "smtp",
  host: "smtp.example.com",
  port: 587,
  security: "starttls",
};
const at = (ctx: Partial<FailureContext>): FailureContext => ({ ...smtp587, ...ctx });

describe("explainFailure", () => {
  const cases: Array<[string, ProbeFailure, FailureContext, ProbeFailureCode]> = [
    [
      "an unknown host",
      { step: "dns", errorCode: "ENOTFOUND", message: "getaddrinfo ENOTFOUND" },
      smtp587,
      "DNS_NOT_FOUND",
    ],
    ["a DNS hiccup", { step: "dns", errorCode: "EAI_AGAIN", message: "" }, smtp587, "DNS_TEMPORARY_FAILURE"],
    [
      "a refused connection",
      { step: "connect", errorCode: "ECONNREFUSED", message: "" },
      smtp587,
      "CONNECTION_REFUSED",
    ],
    [
      "a timeout on 25 as a blocked port",
      { step: "connect", errorCode: "ETIMEDOUT", message: "" },
      at({ port: 25, security: "none" }),
      "PORT_25_BLOCKED",
    ],
    [
      "a timeout on 587 as a firewall",
      { step: "connect", errorCode: "ETIMEDOUT", message: "" },
      smtp587,
      "CONNECT_TIMEOUT",
    ],
    ["no route", { step: "connect", errorCode: "EHOSTUNREACH", message: "" }, smtp587, "HOST_UNREACHABLE"],
    [
      "TLS on 587 as a wrong security mode",
      {
        step: "tls",
        errorCode: "ERR_SSL_WRONG_VERSION_NUMBER",
        message: "ssl3_get_record:wrong version number",
      },
      at({ security: "tls" }),
      "TLS_MODE_MISMATCH_USE_STARTTLS",
    ],
    [
      "STARTTLS on 465 (greeting never comes)",
      { step: "greeting", errorCode: "ETIMEDOUT", message: "" },
      at({ port: 465 }),
      "TLS_MODE_MISMATCH_USE_TLS",
    ],
    [
      "plain on 993 (server hangs up)",
      { step: "greeting", errorCode: "ECONNRESET", message: "" },
      { protocol: "imap", host: "h", port: 993, security: "none" },
      "TLS_MODE_MISMATCH_USE_TLS",
    ],
    [
      "a silent server on 587",
      { step: "greeting", errorCode: "ETIMEDOUT", message: "" },
      smtp587,
      "GREETING_TIMEOUT",
    ],
    [
      "an expired certificate",
      { step: "starttls", errorCode: "CERT_HAS_EXPIRED", message: "" },
      smtp587,
      "CERT_EXPIRED",
    ],
    [
      "a self-signed certificate",
      { step: "tls", errorCode: "DEPTH_ZERO_SELF_SIGNED_CERT", message: "" },
      at({ port: 465, security: "tls" }),
      "CERT_SELF_SIGNED",
    ],
    [
      "a host name mismatch",
      { step: "tls", errorCode: "ERR_TLS_CERT_ALTNAME_INVALID", message: "" },
      at({ port: 465, security: "tls" }),
      "CERT_HOSTNAME_MISMATCH",
    ],
    [
      "an incomplete chain",
      { step: "tls", errorCode: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", message: "" },
      at({ port: 465, security: "tls" }),
      "CERT_UNTRUSTED",
    ],
    [
      "TLS 1.0 only",
      { step: "tls", errorCode: "ERR_SSL_UNSUPPORTED_PROTOCOL", message: "unsupported protocol" },
      at({ port: 465, security: "tls" }),
      "TLS_PROTOCOL_TOO_OLD",
    ],
    [
      "535",
      { step: "auth", reply: "535 5.7.8 Authentication credentials invalid", replyCode: 535, message: "" },
      smtp587,
      "AUTH_FAILED",
    ],
    [
      "Gmail's app password 534",
      {
        step: "auth",
        reply: "534-5.7.9 Application-specific password required",
        replyCode: 534,
        message: "",
      },
      smtp587,
      "AUTH_APP_PASSWORD_REQUIRED",
    ],
    [
      "530 must issue STARTTLS on AUTH",
      { step: "auth", reply: "530 5.7.0 Must issue a STARTTLS command first", replyCode: 530, message: "" },
      smtp587,
      "TLS_REQUIRED_FOR_AUTH",
    ],
    [
      "530 on MAIL FROM",
      { step: "mail_from", reply: "530 5.7.0 Authentication required", replyCode: 530, message: "" },
      smtp587,
      "AUTH_REQUIRED",
    ],
    [
      "554 relay access denied",
      { step: "rcpt_to", reply: "554 5.7.1 <b@x>: Relay access denied", replyCode: 554, message: "" },
      smtp587,
      "RELAY_DENIED",
    ],
    [
      "550 unable to relay",
      { step: "rcpt_to", reply: "550 5.7.1 Unable to relay", replyCode: 550, message: "" },
      smtp587,
      "RELAY_DENIED",
    ],
    [
      "550 user unknown",
      { step: "rcpt_to", reply: "550 5.1.1 User unknown", replyCode: 550, message: "" },
      smtp587,
      "RECIPIENT_REFUSED",
    ],
    [
      "550 send-as denied",
      {
        step: "mail_from",
        reply: "550 5.7.60 Client does not have permissions to send as this sender",
        replyCode: 550,
        message: "",
      },
      smtp587,
      "SENDER_REFUSED",
    ],
    [
      "450 greylisted",
      {
        step: "rcpt_to",
        reply: "450 4.2.0 <b@x>: Recipient address rejected: Greylisted",
        replyCode: 450,
        message: "",
      },
      smtp587,
      "GREYLISTED",
    ],
    [
      "451 local error",
      { step: "mail_from", reply: "451 4.3.0 Local error", replyCode: 451, message: "" },
      smtp587,
      "TEMPORARY_FAILURE",
    ],
    [
      "421 anywhere",
      { step: "ehlo", reply: "421 4.7.0 Too many connections", replyCode: 421, message: "" },
      smtp587,
      "SERVICE_UNAVAILABLE",
    ],
    [
      "554 at greeting",
      { step: "greeting", reply: "554 5.7.1 No SMTP service here", replyCode: 554, message: "" },
      smtp587,
      "GREETING_REJECTED",
    ],
    [
      "STARTTLS refused",
      {
        step: "starttls",
        command: "STARTTLS",
        reply: "454 4.7.0 TLS not available",
        replyCode: 454,
        message: "",
      },
      smtp587,
      "STARTTLS_FAILED",
    ],
    [
      "a dropped connection",
      { step: "ehlo", errorCode: "ECONNRESET", command: "EHLO", message: "" },
      smtp587,
      "CONNECTION_DROPPED",
    ],
    [
      "a tarpit",
      { step: "mail_from", errorCode: "ETIMEDOUT", command: "MAIL FROM", message: "" },
      smtp587,
      "REPLY_TIMEOUT",
    ],
    [
      "IMAP [AUTHENTICATIONFAILED]",
      { step: "auth", reply: "a3 NO [AUTHENTICATIONFAILED] Authentication failed.", message: "" },
      { protocol: "imap", host: "h", port: 993, security: "tls" },
      "AUTH_FAILED",
    ],
    [
      "IMAP [PRIVACYREQUIRED]",
      { step: "auth", reply: "a3 NO [PRIVACYREQUIRED] Plaintext authentication disallowed", message: "" },
      { protocol: "imap", host: "h", port: 143, security: "none" },
      "TLS_REQUIRED_FOR_AUTH",
    ],
    [
      "POP3 -ERR [AUTH]",
      { step: "auth", reply: "-ERR [AUTH] Authentication failed.", message: "" },
      { protocol: "pop3", host: "h", port: 995, security: "tls" },
      "AUTH_FAILED",
    ],
    [
      "POP3 -ERR [IN-USE]",
      { step: "auth", reply: "-ERR [IN-USE] Mailbox locked", message: "" },
      { protocol: "pop3", host: "h", port: 995, security: "tls" },
      "MAILBOX_IN_USE",
    ],
    [
      "POP3 plaintext refused",
      {
        step: "auth",
        reply: "-ERR [AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.",
        message: "",
      },
      { protocol: "pop3", host: "h", port: 110, security: "none" },
      "TLS_REQUIRED_FOR_AUTH",
    ],
  ];

  it.each(cases)("explains %s", (_name, failure, ctx, code) => {
    const explanation = explainFailure(failure, ctx);
    expect(explanation.code).toBe(code);
    expect(classifyFailure(failure, ctx)).toBe(code);
    for (const lang of ["fr", "en"] as const) {
      expect(explanation.diagnosis[lang]).not.toBe("");
      expect(explanation.fix[lang]).not.toBe("");
    }
  });

  it("says to use 587 when port 25 times out", () => {
    const explanation = explainCode("PORT_25_BLOCKED", at({ port: 25 }));
    expect(explanation.fix.fr).toContain("587");
    expect(explanation.fix.en).toContain("587");
  });

  it("quotes the server reply in both languages", () => {
    const explanation = explainCode("AUTH_FAILED", smtp587, "535 5.7.8 nope");
    expect(explanation.diagnosis.fr).toContain("« 535 5.7.8 nope »");
    expect(explanation.diagnosis.en).toContain('"535 5.7.8 nope"');
  });

  it("has FR and EN diagnosis and fix for every failure code, distinct by language", () => {
    const ctx = at({});
    for (const code of Object.keys(EXPLANATIONS) as ProbeFailureCode[]) {
      const e = explainCode(code, ctx);
      expect(e.diagnosis.fr, code).not.toBe(e.diagnosis.en);
      expect(e.fix.fr, code).not.toBe(e.fix.en);
      expect(diagnosticsErrors[code].fr.length, code).toBeGreaterThan(5);
    }
    const probeCodes = Object.keys(diagnosticsErrors).filter(
      (c) => c !== "TARGET_INVALID" && c !== "BULK_RUN_NOT_FOUND",
    );
    expect(Object.keys(EXPLANATIONS).sort()).toEqual(probeCodes.sort());
  });

  it("declares codes that no other capability declares (one closed vocabulary)", () => {
    const others = new Set([
      ...Object.keys(coreErrors),
      ...Object.keys(sendingErrors),
      ...Object.keys(clientsErrors),
    ]);
    expect(Object.keys(diagnosticsErrors).filter((c) => others.has(c))).toEqual([]);
    for (const code of Object.keys(diagnosticsErrors)) expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
  });
});

describe("alternatives", () => {
  it("tries the same port in the other mode first, then 587, 465, 2525", () => {
    expect(alternativeSettings("smtp", 587, "tls")).toEqual([
      { port: 587, security: "starttls" },
      { port: 465, security: "tls" },
      { port: 2525, security: "starttls" },
    ]);
    expect(alternativeSettings("imap", 143, "none")).toEqual([
      { port: 143, security: "tls" },
      { port: 143, security: "starttls" },
      { port: 993, security: "tls" },
    ]);
  });

  it("does not try other ports for a wrong password", () => {
    expect(ALTERNATIVE_TRIGGERS.has("AUTH_FAILED")).toBe(false);
    expect(ALTERNATIVE_TRIGGERS.has("PORT_25_BLOCKED")).toBe(true);
  });
});
