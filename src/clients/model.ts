import { DEFAULT_PORTS, type AuthMethod, type MailProtocol, type SecurityMode } from "../domain/ports.js";

/**
 * The settings a mail client needs, in one shape shared by admin domains, discovery, the autoconfig
 * generators and the guides. Usernames are templates with the Thunderbird placeholders
 * (`%EMAILADDRESS%`, `%EMAILLOCALPART%`, `%EMAILDOMAIN%`) so one profile serves every address of a domain.
 */
export const USERNAME_FORMS = ["address", "localpart", "custom"] as const;
export type UsernameForm = (typeof USERNAME_FORMS)[number];

export const INCOMING_PROTOCOLS = ["imap", "pop3"] as const;
export type IncomingProtocol = (typeof INCOMING_PROTOCOLS)[number];

/** The placeholders Thunderbird substitutes (AccountConfig.replaceVariables); no other exists. */
export const USERNAME_PLACEHOLDERS = ["%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%"] as const;

export interface ServerSettings {
  protocol: MailProtocol;
  host: string;
  port: number;
  security: SecurityMode;
  authentication: AuthMethod;
  /** Login template, e.g. `%EMAILADDRESS%`; resolve it with `loginFor`. */
  username: string;
}

export interface MailSettings {
  /** The mail domain (ASCII) these settings are for. */
  domain: string;
  displayName: string;
  /** IMAP and/or POP3, best first (implicit TLS before STARTTLS, RFC 8314). */
  incoming: ServerSettings[];
  /** SMTP submission, best first. */
  outgoing: ServerSettings[];
  /** A note for the person (app password needed, bridge to install…), FR/EN. */
  note?: { fr: string; en: string } | undefined;
}

export function usernameTemplate(form: UsernameForm, custom?: string | null): string {
  if (form === "address") return "%EMAILADDRESS%";
  if (form === "localpart") return "%EMAILLOCALPART%";
  return custom ?? "%EMAILADDRESS%";
}

/** The inverse of `usernameTemplate`, for forms and guides. */
export function usernameFormOf(template: string): UsernameForm {
  if (template === "%EMAILADDRESS%") return "address";
  if (template === "%EMAILLOCALPART%") return "localpart";
  return "custom";
}

export function splitAddress(email: string): { local: string; domain: string } {
  const at = email.lastIndexOf("@");
  return { local: email.slice(0, at), domain: email.slice(at + 1).toLowerCase() };
}

/** The concrete login of an address for a username template (Outlook and Apple have no placeholders). */
export function loginFor(template: string, email: string): string {
  const { local, domain } = splitAddress(email);
  return template
    .replaceAll("%EMAILADDRESS%", email)
    .replaceAll("%EMAILLOCALPART%", local)
    .replaceAll("%EMAILDOMAIN%", domain);
}

const SECURITY_RANK: Record<SecurityMode, number> = { tls: 0, starttls: 1, none: 2 };
const PROTOCOL_RANK: Record<MailProtocol, number> = { imap: 0, pop3: 1, smtp: 0 };

/**
 * Best first: IMAP before POP3 (synchronised on every device), then implicit TLS before STARTTLS before
 * plain (RFC 8314 §5.1). Stable, so an admin's own order breaks ties.
 */
export function rankServers<T extends ServerSettings>(servers: readonly T[]): T[] {
  return [...servers].sort(
    (a, b) =>
      PROTOCOL_RANK[a.protocol] - PROTOCOL_RANK[b.protocol] ||
      SECURITY_RANK[a.security] - SECURITY_RANK[b.security],
  );
}

/** Shorthand used by the provider database and the MX rules. */
export function server(
  protocol: MailProtocol,
  host: string,
  security: SecurityMode,
  options: { port?: number; authentication?: AuthMethod; username?: string } = {},
): ServerSettings {
  return {
    protocol,
    host,
    port: options.port ?? DEFAULT_PORTS[protocol][security],
    security,
    authentication: options.authentication ?? "password",
    username: options.username ?? "%EMAILADDRESS%",
  };
}

/** Security mode names as mail clients label them. */
export const SECURITY_LABEL: Record<SecurityMode, { fr: string; en: string }> = {
  tls: { fr: "SSL/TLS", en: "SSL/TLS" },
  starttls: { fr: "STARTTLS", en: "STARTTLS" },
  none: { fr: "Aucune", en: "None" },
};

export const AUTH_LABEL: Record<AuthMethod, { fr: string; en: string }> = {
  none: { fr: "Aucune authentification", en: "No authentication" },
  password: { fr: "Mot de passe normal", en: "Normal password" },
  encrypted_password: { fr: "Mot de passe chiffré", en: "Encrypted password" },
  oauth2: { fr: "OAuth2", en: "OAuth2" },
};

export const PROTOCOL_LABEL: Record<MailProtocol, string> = { imap: "IMAP", pop3: "POP3", smtp: "SMTP" };
