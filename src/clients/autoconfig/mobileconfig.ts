import { createHash } from "node:crypto";
import plist from "plist";
import type { AuthMethod } from "../../domain/ports.js";
import { loginFor, splitAddress, type MailSettings } from "../model.js";

/**
 * Apple configuration profile with one `com.apple.mail.managed` payload (apple/device-management
 * `com.apple.mail.managed.yaml`). Never a password: the device asks for it on install.
 * Identifiers and UUIDs are derived from the address, so downloading again replaces the installed profile.
 */
export const MOBILECONFIG_CONTENT_TYPE = "application/x-apple-aspen-config";

const APPLE_AUTH: Record<AuthMethod, string> = {
  none: "EmailAuthNone",
  password: "EmailAuthPassword",
  encrypted_password: "EmailAuthCRAMMD5",
  // Apple Mail profiles cannot carry OAuth2: the provider's app password goes in as a password.
  oauth2: "EmailAuthPassword",
};

/** A UUID (version 5 layout) from a SHA-256 of the name: stable per domain + address + purpose. */
export function stableUuid(name: string): string {
  const hash = createHash("sha256").update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex").toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export interface MobileconfigOptions {
  organization?: string;
  /** Display name put in From:; the device asks when absent. */
  name?: string;
}

export function buildMobileconfig(
  settings: MailSettings,
  email: string,
  options: MobileconfigOptions = {},
): string {
  // One incoming and one outgoing per payload: the best ones (IMAP over POP3, implicit TLS first).
  const incoming = settings.incoming[0];
  const outgoing = settings.outgoing[0];
  if (!incoming || !outgoing) throw new Error("mobileconfig needs one incoming and one outgoing server");
  const { domain } = splitAddress(email);
  const reversed = domain.split(".").reverse().join(".");
  const key = `${domain}\n${email.toLowerCase()}`;
  const idSuffix = createHash("sha256").update(key).digest("hex").slice(0, 16);
  const mail: Record<string, unknown> = {
    PayloadType: "com.apple.mail.managed",
    PayloadVersion: 1,
    PayloadIdentifier: `${reversed}.facteur.mail.${idSuffix}`,
    PayloadUUID: stableUuid(`${key}\nmail`),
    PayloadDisplayName: email,
    EmailAccountType: incoming.protocol === "pop3" ? "EmailTypePOP" : "EmailTypeIMAP",
    EmailAccountDescription: `${settings.displayName} (${email})`,
    EmailAddress: email,
    IncomingMailServerHostName: incoming.host,
    IncomingMailServerPortNumber: incoming.port,
    // One bool for both: STARTTLS and implicit TLS are both "use SSL" on Apple devices.
    IncomingMailServerUseSSL: incoming.security !== "none",
    IncomingMailServerAuthentication: APPLE_AUTH[incoming.authentication],
    IncomingMailServerUsername: loginFor(incoming.username, email),
    OutgoingMailServerHostName: outgoing.host,
    OutgoingMailServerPortNumber: outgoing.port,
    OutgoingMailServerUseSSL: outgoing.security !== "none",
    OutgoingMailServerAuthentication: APPLE_AUTH[outgoing.authentication],
    OutgoingMailServerUsername: loginFor(outgoing.username, email),
    OutgoingPasswordSameAsIncomingPassword: true,
  };
  if (options.name) mail.EmailAccountName = options.name;
  const profile = {
    PayloadType: "Configuration",
    PayloadVersion: 1,
    PayloadIdentifier: `${reversed}.facteur.${idSuffix}`,
    PayloadUUID: stableUuid(`${key}\nprofile`),
    PayloadDisplayName: `${settings.displayName} — ${email}`,
    PayloadDescription: `Mail account ${email} / Compte de messagerie ${email}`,
    PayloadOrganization: options.organization ?? settings.displayName,
    PayloadContent: [mail],
  };
  return plist.build(profile as unknown as plist.PlistValue);
}
