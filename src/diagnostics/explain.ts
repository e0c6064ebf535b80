import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import { DEFAULT_PORTS, type MailProtocol, type SecurityMode } from "../domain/ports.js";
import { EXPLANATIONS } from "./explain-text.js";
import type { Explanation, ProbeFailure } from "./result.js";

/** The settings that were tried, which change the meaning of a failure (a timeout on 25 ≠ on 587). */
export interface FailureContext {
  protocol: MailProtocol;
  host: string;
  port: number;
  security: SecurityMode;
}

/** Codes that change nothing about the settings: retrying later can succeed. */
const TEMPORARY: ReadonlySet<ProbeFailureCode> = new Set([
  "DNS_TEMPORARY_FAILURE",
  "SERVICE_UNAVAILABLE",
  "GREYLISTED",
  "TEMPORARY_FAILURE",
  "MAILBOX_IN_USE",
  "REPLY_TIMEOUT",
  "TARGET_RATE_LIMITED", // the connection budget frees up within minutes
  "TARGET_PORT_SCAN_LIMITED",
]);

const CERT_CODES: Record<string, ProbeFailureCode> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "CERT_SELF_SIGNED",
  SELF_SIGNED_CERT_IN_CHAIN: "CERT_SELF_SIGNED",
  CERT_HAS_EXPIRED: "CERT_EXPIRED",
  CERT_NOT_YET_VALID: "CERT_NOT_YET_VALID",
  ERR_TLS_CERT_ALTNAME_INVALID: "CERT_HOSTNAME_MISMATCH",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "CERT_UNTRUSTED",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "CERT_UNTRUSTED",
  UNABLE_TO_GET_ISSUER_CERT: "CERT_UNTRUSTED",
  CERT_UNTRUSTED: "CERT_UNTRUSTED",
  CERT_SIGNATURE_FAILURE: "CERT_UNTRUSTED",
  CERT_REVOKED: "CERT_UNTRUSTED",
};

/** 465, 993, 995: from the one port table (domain/ports.ts). */
const IMPLICIT_TLS_PORTS: ReadonlySet<number> = new Set(
  Object.values(DEFAULT_PORTS).map((ports) => ports.tls),
);
const isTimeout = (f: ProbeFailure) => f.errorCode === "ETIMEDOUT";
const isDrop = (f: ProbeFailure) => ["ECONNRESET", "EPIPE", "ECONNABORTED"].includes(f.errorCode ?? "");

/** A plain-text client on an implicit-TLS port: the server waits for a ClientHello, or hangs up. */
function plainOnTlsPort(ctx: FailureContext): boolean {
  return ctx.security !== "tls" && IMPLICIT_TLS_PORTS.has(ctx.port);
}

function classifyTls(failure: ProbeFailure, ctx: FailureContext): ProbeFailureCode {
  const code = failure.errorCode ?? "";
  if (CERT_CODES[code]) return CERT_CODES[code];
  const message = failure.message.toLowerCase();
  const implicit = failure.step === "tls";
  // OpenSSL reads the server's "220 …" / "* OK" / "+OK" as a TLS record header (RFC 8446 §5.1).
  if (
    code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
    /wrong version number|unknown protocol|packet length too long|http request/.test(message)
  ) {
    return implicit ? "TLS_MODE_MISMATCH_USE_STARTTLS" : "TLS_HANDSHAKE_FAILED";
  }
  if (
    code === "ERR_SSL_UNSUPPORTED_PROTOCOL" ||
    /unsupported protocol|protocol version|dh key too small/.test(message)
  )
    return "TLS_PROTOCOL_TOO_OLD";
  if (implicit && isDrop(failure) && !IMPLICIT_TLS_PORTS.has(ctx.port))
    return "TLS_MODE_MISMATCH_USE_STARTTLS";
  return "TLS_HANDSHAKE_FAILED";
}

function classifySmtpReply(failure: ProbeFailure): ProbeFailureCode {
  const code = failure.replyCode ?? 0;
  const text = failure.reply ?? "";
  if (code === 421) return "SERVICE_UNAVAILABLE";
  switch (failure.step) {
    case "greeting":
      return code >= 500 ? "GREETING_REJECTED" : code >= 400 ? "TEMPORARY_FAILURE" : "PROTOCOL_ERROR";
    case "ehlo":
      return code >= 500 ? "EHLO_REJECTED" : "TEMPORARY_FAILURE";
    case "starttls":
      return "STARTTLS_FAILED";
    case "auth":
      if (code === 535)
        return /5\.7\.9|application-specific|app password/i.test(text)
          ? "AUTH_APP_PASSWORD_REQUIRED"
          : "AUTH_FAILED";
      if (code === 534) return "AUTH_APP_PASSWORD_REQUIRED"; // RFC 4954 "too weak"; Gmail: 5.7.9 app password, 5.7.14 web sign-in
      if (code === 530 || code === 538) return "TLS_REQUIRED_FOR_AUTH"; // RFC 3207 §4 / RFC 4954 §6
      if (code === 504) return "AUTH_MECHANISM_UNSUPPORTED";
      if (code >= 400 && code < 500) return "TEMPORARY_FAILURE";
      return code >= 500 && code !== 503 ? "AUTH_FAILED" : "PROTOCOL_ERROR";
    case "mail_from":
    case "rcpt_to":
      if (code === 530) return /starttls|tls/i.test(text) ? "TLS_REQUIRED_FOR_AUTH" : "AUTH_REQUIRED";
      if (code >= 400 && code < 500)
        return /grey|gray|try again later|4\.7\.1|4\.2\.0/i.test(text) ? "GREYLISTED" : "TEMPORARY_FAILURE";
      if (/relay/i.test(text)) return "RELAY_DENIED";
      if (failure.step === "mail_from") return code >= 500 ? "SENDER_REFUSED" : "PROTOCOL_ERROR";
      if (/5\.1\.[1-6]|5\.2\.2|unknown|no such|does not exist|mailbox full|over quota/i.test(text))
        return "RECIPIENT_REFUSED";
      return "RELAY_DENIED"; // 550/554 5.7.1 policy refusals are relay refusals in practice
    default:
      return code >= 400 && code < 500 ? "TEMPORARY_FAILURE" : "PROTOCOL_ERROR";
  }
}

function classifyImapReply(failure: ProbeFailure): ProbeFailureCode {
  const text = failure.reply ?? "";
  if (failure.step === "starttls") return "STARTTLS_FAILED";
  if (failure.step !== "auth")
    return /\[UNAVAILABLE\]|\[INUSE\]/i.test(text) ? "TEMPORARY_FAILURE" : "PROTOCOL_ERROR";
  // RFC 5530 response codes, folded into RFC 9051 §7.1.
  if (/\[PRIVACYREQUIRED\]|plaintext authentication disallowed/i.test(text)) return "TLS_REQUIRED_FOR_AUTH";
  if (/\[UNAVAILABLE\]/i.test(text)) return "TEMPORARY_FAILURE";
  if (/application-specific|app password|web browser/i.test(text)) return "AUTH_APP_PASSWORD_REQUIRED";
  if (/^\S+ BAD/i.test(text)) return "PROTOCOL_ERROR";
  return "AUTH_FAILED";
}

function classifyPop3Reply(failure: ProbeFailure): ProbeFailureCode {
  const text = failure.reply ?? "";
  if (failure.step === "starttls") return "STARTTLS_FAILED";
  // RFC 2449 §8 / RFC 3206 response codes.
  if (/\[IN-USE\]/i.test(text)) return "MAILBOX_IN_USE";
  if (/\[SYS\/TEMP\]|\[LOGIN-DELAY\]/i.test(text)) return "TEMPORARY_FAILURE";
  if (failure.step !== "auth") return "PROTOCOL_ERROR";
  if (/plaintext authentication disallowed|\[AUTH\][^\n]*(ssl|tls)/i.test(text))
    return "TLS_REQUIRED_FOR_AUTH";
  if (/application-specific|app password|web browser/i.test(text)) return "AUTH_APP_PASSWORD_REQUIRED";
  return "AUTH_FAILED";
}

/** Maps an observed failure to its stable code: cheapest evidence first (DNS, TCP, TLS, timing, reply). */
export function classifyFailure(failure: ProbeFailure, ctx: FailureContext): ProbeFailureCode {
  if (failure.code) return failure.code;
  if (failure.step === "dns")
    return failure.errorCode === "EAI_AGAIN" ? "DNS_TEMPORARY_FAILURE" : "DNS_NOT_FOUND";
  if (failure.step === "connect") {
    if (failure.errorCode === "ECONNREFUSED") return "CONNECTION_REFUSED";
    if (isTimeout(failure))
      return ctx.protocol === "smtp" && ctx.port === 25 ? "PORT_25_BLOCKED" : "CONNECT_TIMEOUT";
    if (isDrop(failure)) return "CONNECTION_DROPPED";
    return "HOST_UNREACHABLE"; // EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL
  }
  // Handshake failures carry no command (the command's reply was positive); reply timeouts do.
  if (failure.step === "tls" || (failure.step === "starttls" && !failure.command && !failure.reply)) {
    return classifyTls(failure, ctx);
  }
  if (failure.step === "greeting" && (isTimeout(failure) || isDrop(failure))) {
    if (plainOnTlsPort(ctx)) return "TLS_MODE_MISMATCH_USE_TLS";
    return isTimeout(failure) ? "GREETING_TIMEOUT" : "CONNECTION_DROPPED";
  }
  if (isTimeout(failure)) return "REPLY_TIMEOUT";
  if (isDrop(failure) || (failure.errorCode && failure.reply === undefined)) return "CONNECTION_DROPPED";
  if (ctx.protocol === "smtp") return classifySmtpReply(failure);
  if (ctx.protocol === "imap") return classifyImapReply(failure);
  return classifyPop3Reply(failure);
}

/** Diagnosis and fix, in FR and EN, of a code for the settings tried; the server's words are appended. */
export function explainCode(
  code: ProbeFailureCode,
  ctx: FailureContext,
  reply: string | null = null,
): Explanation {
  const text = EXPLANATIONS[code];
  const params = { protocol: ctx.protocol, host: ctx.host, port: ctx.port, reply };
  const diagnosis = text.diagnosis(params);
  if (reply) {
    diagnosis.fr = `${diagnosis.fr} Réponse du serveur : « ${reply} ».`;
    diagnosis.en = `${diagnosis.en} Server reply: "${reply}".`;
  }
  return { code, diagnosis, fix: text.fix(params), temporary: TEMPORARY.has(code) };
}

/** Every failure → stable code + plain-language diagnosis and fix in French and English. */
export function explainFailure(failure: ProbeFailure, ctx: FailureContext): Explanation {
  return explainCode(classifyFailure(failure, ctx), ctx, failure.reply ?? null);
}
