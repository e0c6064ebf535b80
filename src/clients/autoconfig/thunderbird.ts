import { XMLBuilder } from "fast-xml-parser";
import type { AuthMethod, SecurityMode } from "../../domain/ports.js";
import type { MailSettings, ServerSettings } from "../model.js";

/**
 * Mozilla autoconfig `clientConfig version="1.1"` (wiki.mozilla.org Thunderbird:Autoconfiguration:ConfigFileFormat),
 * read by Thunderbird, K-9/Thunderbird Android, Evolution, KMail, Delta Chat, Nextcloud Mail.
 * Usernames keep their placeholders: the client substitutes them, so one file serves the whole domain.
 */
export const THUNDERBIRD_SOCKET_TYPE: Record<SecurityMode, "SSL" | "STARTTLS" | "plain"> = {
  tls: "SSL",
  starttls: "STARTTLS",
  none: "plain",
};

/** First value is preferred. OAuth2 always comes with a password fallback: it needs a client id per issuer. */
export const THUNDERBIRD_AUTHENTICATION: Record<AuthMethod, string[]> = {
  none: ["none"],
  password: ["password-cleartext"],
  encrypted_password: ["password-encrypted"],
  oauth2: ["OAuth2", "password-cleartext"],
};

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  format: true,
  suppressEmptyNode: true,
});

function serverElement(s: ServerSettings) {
  return {
    "@_type": s.protocol,
    hostname: s.host,
    port: s.port,
    socketType: THUNDERBIRD_SOCKET_TYPE[s.security],
    username: s.username,
    authentication: THUNDERBIRD_AUTHENTICATION[s.authentication],
  };
}

export interface ThunderbirdOptions {
  /** Extra `<domain>` entries (aliases of the provider). */
  aliases?: string[];
  /** A page describing the settings (e.g. the guide), informational for clients. */
  documentationUrl?: string;
}

export function buildThunderbirdXml(settings: MailSettings, options: ThunderbirdOptions = {}): string {
  const domains = [settings.domain, ...(options.aliases ?? []).filter((d) => d !== settings.domain)];
  const provider: Record<string, unknown> = {
    "@_id": settings.domain,
    domain: domains,
    displayName: settings.displayName,
    displayShortName: settings.displayName.length <= 32 ? settings.displayName : settings.domain,
    incomingServer: settings.incoming.map(serverElement),
    outgoingServer: settings.outgoing.map(serverElement),
  };
  if (options.documentationUrl) {
    provider.documentation = {
      "@_url": options.documentationUrl,
      descr: [
        { "@_lang": "fr", "#text": "Guide de configuration" },
        { "@_lang": "en", "#text": "Setup guide" },
      ],
    };
  }
  return builder.build({
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    clientConfig: { "@_version": "1.1", emailProvider: provider },
  }) as string;
}
