import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { FacteurError } from "../../domain/errors.js";
import { emailSchema } from "../../domain/smtp-server.js";
import type { SecurityMode } from "../../domain/ports.js";
import { loginFor, type MailSettings, type ServerSettings } from "../model.js";

/**
 * Outlook Autodiscover "POX" ([MS-OXDSCLI], response schema 2006a) for IMAP/POP3/SMTP accounts.
 * Outlook has no placeholders: the server writes the concrete login of the address.
 */
export const AUTODISCOVER_RESPONSE_NS =
  "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
export const OUTLOOK_RESPONSE_SCHEMA =
  "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
/** Largest request body we read: real requests are ~350 bytes. */
export const AUTODISCOVER_BODY_LIMIT_BYTES = 8 * 1024;

/** `Encryption` overrides `SSL` and is the only way to say STARTTLS (`TLS`). */
const ENCRYPTION: Record<SecurityMode, "SSL" | "TLS" | "None"> = {
  tls: "SSL",
  starttls: "TLS",
  none: "None",
};
const PROTOCOL_TYPE = { imap: "IMAP", pop3: "POP3", smtp: "SMTP" } as const;

export interface AutodiscoverRequest {
  email: string;
  /** True when the client asked for a schema other than Outlook's (e.g. ActiveSync mobilesync). */
  unsupportedSchema: boolean;
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  processEntities: false,
  parseTagValue: false,
  trimValues: true,
});

/** Reads EMailAddress from a POX request; lenient on namespaces, strict on entities (no DTD at all). */
export function parseAutodiscoverRequest(body: string): AutodiscoverRequest {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw new FacteurError("AUTODISCOVER_REQUEST_INVALID");
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body) as Record<string, unknown>;
  } catch (cause) {
    throw new FacteurError("AUTODISCOVER_REQUEST_INVALID", { cause });
  }
  const request = (doc.Autodiscover as { Request?: Record<string, unknown> } | undefined)?.Request;
  const raw = request?.EMailAddress;
  const parsed = emailSchema.safeParse(typeof raw === "string" ? raw : "");
  if (!parsed.success) throw new FacteurError("AUTODISCOVER_REQUEST_INVALID");
  const schema = request?.AcceptableResponseSchema;
  const unsupportedSchema =
    typeof schema === "string" && schema !== "" && !/outlook\/responseschema\/2006a$/i.test(schema.trim());
  return { email: parsed.data, unsupportedSchema };
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  format: true,
  suppressEmptyNode: true,
});

function protocolElement(s: ServerSettings, email: string, first: { incoming: boolean }) {
  const element: Record<string, unknown> = {
    Type: PROTOCOL_TYPE[s.protocol],
    Server: s.host,
    Port: s.port,
    LoginName: loginFor(s.username, email),
    DomainRequired: "off",
    // SPA defaults to "on" when absent: say off for ordinary password servers.
    SPA: s.authentication === "encrypted_password" ? "on" : "off",
    SSL: s.security === "none" ? "off" : "on",
    Encryption: ENCRYPTION[s.security],
    AuthRequired: s.authentication === "none" ? "off" : "on",
  };
  if (s.protocol === "smtp") {
    element.UsePOPAuth = first.incoming && s.authentication !== "none" ? "on" : "off";
    element.SMTPLast = "off";
  }
  return element;
}

/** The 2006a settings response for one address. */
export function buildAutodiscoverXml(settings: MailSettings, email: string, displayName?: string): string {
  const incoming = settings.incoming.map((s) => protocolElement(s, email, { incoming: true }));
  const outgoing = settings.outgoing.map((s) => protocolElement(s, email, { incoming: incoming.length > 0 }));
  const response: Record<string, unknown> = { "@_xmlns": OUTLOOK_RESPONSE_SCHEMA };
  if (displayName) response.User = { DisplayName: displayName };
  response.Account = { AccountType: "email", Action: "settings", Protocol: [...incoming, ...outgoing] };
  return builder.build({
    "?xml": { "@_version": "1.0", "@_encoding": "utf-8" },
    Autodiscover: { "@_xmlns": AUTODISCOVER_RESPONSE_NS, Response: response },
  }) as string;
}

/** 600 = invalid request (also used for unknown domains: never reveal which mailboxes exist); 601 = schema not served. */
export function buildAutodiscoverError(code: 600 | 601, now: Date): string {
  const message = code === 600 ? "Invalid Request" : "Provider is not available";
  return builder.build({
    "?xml": { "@_version": "1.0", "@_encoding": "utf-8" },
    Autodiscover: {
      "@_xmlns": AUTODISCOVER_RESPONSE_NS,
      Response: {
        Error: {
          "@_Time": now.toISOString().slice(11, 23),
          "@_Id": String(now.getTime() % 4_294_967_296),
          ErrorCode: code,
          Message: message,
          DebugData: "",
        },
      },
    },
  }) as string;
}
