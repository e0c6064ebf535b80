import { XMLParser } from "fast-xml-parser";
import type { AuthMethod, MailProtocol, SecurityMode } from "../../domain/ports.js";
import { normalizeHost } from "../../domain/host.js";
import type { MailSettings, ServerSettings } from "../model.js";

/**
 * Lenient reader of clientConfig 1.1 files as real hosters publish them: no prolog, comments, empty or
 * self-closing elements, unknown elements and server types (ews, owa…) are all tolerated and skipped.
 */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  processEntities: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) =>
    ["incomingServer", "outgoingServer", "authentication", "domain", "emailProvider"].includes(name),
});

const SOCKET: Record<string, SecurityMode> = { ssl: "tls", tls: "tls", starttls: "starttls", plain: "none" };
const AUTH: Record<string, AuthMethod> = {
  "password-cleartext": "password",
  plain: "password",
  "password-encrypted": "encrypted_password",
  secure: "encrypted_password",
  oauth2: "oauth2",
  none: "none",
};

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "#text" in value)
    return String((value as { "#text": unknown })["#text"]);
  return "";
}

function toServer(raw: Record<string, unknown>, domain: string): ServerSettings | null {
  const type = String(raw["@_type"] ?? "").toLowerCase();
  if (type !== "imap" && type !== "pop3" && type !== "smtp") return null;
  const host = normalizeHost(text(raw.hostname).replaceAll("%EMAILDOMAIN%", domain));
  const port = Number.parseInt(text(raw.port), 10);
  const security = SOCKET[text(raw.socketType).toLowerCase()];
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535 || !security) return null;
  const auths = ((raw.authentication as unknown[]) ?? [])
    .map((a) => AUTH[text(a).toLowerCase()])
    .filter(Boolean);
  return {
    protocol: type as MailProtocol,
    host,
    port,
    security,
    authentication: auths[0] ?? "password",
    username: text(raw.username) || "%EMAILADDRESS%",
  };
}

/** Settings of the first emailProvider, or null when the document has no usable incoming + outgoing pair. */
export function parseThunderbirdXml(xml: string, domain: string): MailSettings | null {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return null; // no DTDs: nothing legitimate needs one
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return null;
  }
  const provider = (
    (doc.clientConfig as Record<string, unknown> | undefined)?.emailProvider as
      Array<Record<string, unknown>> | undefined
  )?.[0];
  if (!provider) return null;
  const servers = (key: string) =>
    ((provider[key] as Array<Record<string, unknown>> | undefined) ?? [])
      .map((s) => toServer(s, domain))
      .filter((s): s is ServerSettings => s !== null);
  const incoming = servers("incomingServer").filter((s) => s.protocol !== "smtp");
  const outgoing = servers("outgoingServer").filter((s) => s.protocol === "smtp");
  if (incoming.length === 0 || outgoing.length === 0) return null;
  return { domain, displayName: text(provider.displayName) || domain, incoming, outgoing };
}
