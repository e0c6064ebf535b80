/**
 * The one source of truth for ports ↔ security. Values come from RFC 8314 (implicit TLS on 465/993/995),
 * RFC 6409 (submission on 587 with STARTTLS) and the help-desk pages (25, 2525 and 8025 as plain/STARTTLS).
 */
export const SECURITY_MODES = ["none", "starttls", "tls"] as const;
export type SecurityMode = (typeof SECURITY_MODES)[number];

export const AUTH_METHODS = ["none", "password", "encrypted_password", "oauth2"] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

export type MailProtocol = "smtp" | "imap" | "pop3";

/** The port a client should use by default for a protocol and security mode. */
export const DEFAULT_PORTS: Record<MailProtocol, Record<SecurityMode, number>> = {
  smtp: { none: 25, starttls: 587, tls: 465 },
  imap: { none: 143, starttls: 143, tls: 993 },
  pop3: { none: 110, starttls: 110, tls: 995 },
};

/** Port suggestions shown in forms, best first. */
export const SMTP_PORT_SUGGESTIONS: ReadonlyArray<{ port: number; security: SecurityMode }> = [
  { port: 587, security: "starttls" },
  { port: 465, security: "tls" },
  { port: 25, security: "starttls" },
  { port: 2525, security: "starttls" },
];

const IMPLICIT_TLS_PORTS: Record<MailProtocol, number[]> = { smtp: [465], imap: [993], pop3: [995] };
const STARTTLS_PORTS: Record<MailProtocol, number[]> = {
  smtp: [25, 587, 2525, 8025],
  imap: [143],
  pop3: [110],
};

export type PortWarningCode =
  | "TLS_ON_STARTTLS_PORT"
  | "STARTTLS_ON_TLS_PORT"
  | "PLAIN_ON_TLS_PORT"
  | "PLAIN_ON_SUBMISSION_PORT"
  | "PORT_25_OFTEN_BLOCKED";

export interface PortWarning {
  code: PortWarningCode;
  fr: string;
  en: string;
}

const WARNING_TEXT: Record<PortWarningCode, { fr: string; en: string }> = {
  TLS_ON_STARTTLS_PORT: {
    fr: "SSL/TLS implicite sur un port STARTTLS : choisissez STARTTLS sur ce port, ou SSL/TLS sur 465.",
    en: "Implicit SSL/TLS on a STARTTLS port: choose STARTTLS on this port, or SSL/TLS on 465.",
  },
  STARTTLS_ON_TLS_PORT: {
    fr: "STARTTLS sur un port SSL/TLS : ce port attend le chiffrement dès la connexion, choisissez SSL/TLS.",
    en: "STARTTLS on an SSL/TLS port: this port expects encryption from the first byte, choose SSL/TLS.",
  },
  PLAIN_ON_TLS_PORT: {
    fr: "Aucune sécurité sur un port SSL/TLS : la connexion échouera, choisissez SSL/TLS.",
    en: "No security on an SSL/TLS port: the connection will fail, choose SSL/TLS.",
  },
  PLAIN_ON_SUBMISSION_PORT: {
    fr: "Sans chiffrement, le mot de passe circule en clair : préférez STARTTLS sur 587.",
    en: "Without encryption the password travels in clear text: prefer STARTTLS on 587.",
  },
  PORT_25_OFTEN_BLOCKED: {
    fr: "Le port 25 est souvent bloqué par les fournisseurs d'accès (anti-spam) : préférez 587 ou 465.",
    en: "Port 25 is often blocked by internet providers (anti-spam): prefer 587 or 465.",
  },
};

/** Warnings (not errors) about a port/security pair: saved anyway, explained on save and on test. */
export function portSecurityWarnings(
  protocol: MailProtocol,
  port: number,
  security: SecurityMode,
  authenticated = true,
): PortWarning[] {
  const codes: PortWarningCode[] = [];
  const tlsPort = IMPLICIT_TLS_PORTS[protocol].includes(port);
  if (security === "tls" && STARTTLS_PORTS[protocol].includes(port)) codes.push("TLS_ON_STARTTLS_PORT");
  if (security === "starttls" && tlsPort) codes.push("STARTTLS_ON_TLS_PORT");
  if (security === "none" && tlsPort) codes.push("PLAIN_ON_TLS_PORT");
  if (security === "none" && !tlsPort && authenticated) codes.push("PLAIN_ON_SUBMISSION_PORT");
  if (protocol === "smtp" && port === 25) codes.push("PORT_25_OFTEN_BLOCKED");
  return codes.map((code) => ({ code, ...WARNING_TEXT[code] }));
}
