import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import type { MailProtocol, SecurityMode } from "../domain/ports.js";

/** Settings worth trying when a test fails, best first (RFC 8314 prefers implicit TLS; 587 is the norm). */
const CANDIDATES: Record<MailProtocol, ReadonlyArray<{ port: number; security: SecurityMode }>> = {
  smtp: [
    { port: 587, security: "starttls" },
    { port: 465, security: "tls" },
    { port: 2525, security: "starttls" },
  ],
  imap: [
    { port: 993, security: "tls" },
    { port: 143, security: "starttls" },
  ],
  pop3: [
    { port: 995, security: "tls" },
    { port: 110, security: "starttls" },
  ],
};

/**
 * Failures that a different port or security mode can cure. Authentication, policy and certificate
 * failures are not in the list: another port would fail the same way (or hide the real problem).
 */
export const ALTERNATIVE_TRIGGERS: ReadonlySet<ProbeFailureCode> = new Set([
  "CONNECTION_REFUSED",
  "CONNECT_TIMEOUT",
  "PORT_25_BLOCKED",
  "TLS_MODE_MISMATCH_USE_STARTTLS",
  "TLS_MODE_MISMATCH_USE_TLS",
  "TLS_HANDSHAKE_FAILED",
  "GREETING_TIMEOUT",
  "CONNECTION_DROPPED",
  "WRONG_PROTOCOL",
  "STARTTLS_NOT_OFFERED",
  "STARTTLS_FAILED",
  "AUTH_NOT_OFFERED",
  "AUTH_NOT_OFFERED_BEFORE_STARTTLS",
  "TLS_REQUIRED_FOR_AUTH",
  "RELAY_DENIED",
  "AUTH_REQUIRED",
]);

/** The settings to try for a failed (port, security): the usual ones, plus the same port in the other modes. */
export function alternativeSettings(
  protocol: MailProtocol,
  port: number,
  security: SecurityMode,
): Array<{ port: number; security: SecurityMode }> {
  const samePort: Array<{ port: number; security: SecurityMode }> = (["tls", "starttls"] as const)
    .filter((mode) => mode !== security)
    .map((mode) => ({ port, security: mode }));
  const all = [...samePort, ...CANDIDATES[protocol]];
  const seen = new Set<string>([`${port}/${security}`]);
  return all.filter((c) => {
    const key = `${c.port}/${c.security}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
