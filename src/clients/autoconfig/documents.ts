import type { AppContext } from "../../app/context.js";
import { normalizeHost } from "../../domain/host.js";
import { emailSchema } from "../../domain/smtp-server.js";
import { findDomainByName, settingsOfDomain } from "../domains/domain.service.js";
import { splitAddress, type MailSettings } from "../model.js";
import { buildAutodiscoverXml, parseAutodiscoverRequest } from "./autodiscover.js";
import { etagOf } from "./etag.js";
import { buildMobileconfig, MOBILECONFIG_CONTENT_TYPE } from "./mobileconfig.js";
import { buildThunderbirdXml } from "./thunderbird.js";

/**
 * Rendered autoconfig documents with their ETag, cached per process. Mail clients poll these
 * (Outlook re-reads Autodiscover often), so a hit costs a map lookup, not a query and an XML build.
 */
export const DOCUMENT_CACHE_TTL_MS = 5_000; // an admin's edit reaches every instance within 5 s
export const DOCUMENT_CACHE_MAX_ENTRIES = 10_000; // ~30 MB worst case at 3 KB per document
export const XML_CONTENT_TYPE = "application/xml; charset=utf-8";

export type DocumentKind = "thunderbird" | "autodiscover" | "mobileconfig";

export interface AutoconfigDocument {
  body: string;
  etag: string;
  contentType: string;
}

interface Entry<T> {
  value: T;
  expires: number;
}

export interface AutoconfigDocuments {
  /** Null when the domain is not one of the admin's. `email` is ignored for Thunderbird (placeholders). */
  get(kind: DocumentKind, domain: string, email?: string): Promise<AutoconfigDocument | null>;
  /**
   * Thunderbird document for `?emailaddress=` (validated here, on a cache miss only) or, without it, for
   * the domain of the Host header (`autoconfig.example.com` → `example.com`).
   */
  thunderbird(
    emailaddress: string | undefined,
    hostHeader: string | undefined,
  ): Promise<AutoconfigDocument | null>;
  /**
   * Answer to a raw Autodiscover request body: the document, or the POX error code (600 invalid request
   * or unknown domain, 601 schema not served). Identical bodies (a client polling) skip the XML parse.
   */
  autodiscover(body: string): Promise<AutoconfigDocument | 600 | 601>;
  /** Forget everything (called after an admin edits a domain on this instance). */
  invalidate(): void;
}

export function createAutoconfigDocuments(
  ctx: AppContext,
  options: { ttlMs?: number; documentationUrl?: (domain: string) => string } = {},
): AutoconfigDocuments {
  const ttl = options.ttlMs ?? DOCUMENT_CACHE_TTL_MS;
  const settingsCache = new Map<string, Entry<MailSettings | null>>();
  const documentCache = new Map<string, Entry<AutoconfigDocument>>();
  const requestCache = new Map<string, Entry<AutoconfigDocument>>();
  const clock = () => ctx.now().getTime();

  function remember<T>(cache: Map<string, Entry<T>>, key: string, value: T): T {
    // Crude bound: when full, start over. Entries are cheap to rebuild and this keeps memory flat under abuse.
    if (cache.size >= DOCUMENT_CACHE_MAX_ENTRIES) cache.clear();
    cache.set(key, { value, expires: clock() + ttl });
    return value;
  }

  async function settingsOf(domain: string): Promise<MailSettings | null> {
    const hit = settingsCache.get(domain);
    if (hit && hit.expires > clock()) return hit.value;
    const view = await findDomainByName(ctx, domain);
    // Unknown domains are cached too, so a flood of made-up domains does not become a flood of queries.
    return remember(settingsCache, domain, view ? settingsOfDomain(view) : null);
  }

  function render(kind: DocumentKind, settings: MailSettings, email: string | undefined): AutoconfigDocument {
    if (kind === "thunderbird") {
      const documentationUrl = options.documentationUrl?.(settings.domain);
      const body = buildThunderbirdXml(settings, documentationUrl ? { documentationUrl } : {});
      return { body, etag: etagOf(body), contentType: XML_CONTENT_TYPE };
    }
    if (kind === "autodiscover") {
      const body = buildAutodiscoverXml(settings, email!);
      return { body, etag: etagOf(body), contentType: XML_CONTENT_TYPE };
    }
    const body = buildMobileconfig(settings, email!, { organization: settings.displayName });
    return { body, etag: etagOf(body), contentType: MOBILECONFIG_CONTENT_TYPE };
  }

  return {
    async get(kind, domain, email) {
      const key = kind === "thunderbird" ? `${kind}|${domain}` : `${kind}|${domain}|${email}`;
      const hit = documentCache.get(key);
      if (hit && hit.expires > clock()) return hit.value;
      const settings = await settingsOf(domain);
      if (!settings) return null;
      if (kind !== "thunderbird" && !email) return null;
      return remember(documentCache, key, render(kind, settings, email));
    },
    async thunderbird(emailaddress, hostHeader) {
      const raw = emailaddress ?? (hostHeader ?? "").replace(/:\d+$/, "").replace(/^autoconfig\./i, "");
      const key = `thunderbird-raw|${raw.toLowerCase()}`;
      const hit = documentCache.get(key);
      if (hit && hit.expires > clock()) return hit.value;
      let domain: string | null;
      if (emailaddress !== undefined) {
        const parsed = emailSchema.safeParse(emailaddress);
        domain = parsed.success ? splitAddress(parsed.data).domain : null;
      } else {
        domain = normalizeHost(raw);
      }
      const doc = domain ? await this.get("thunderbird", domain) : null;
      return doc ? remember(documentCache, key, doc) : null;
    },
    async autodiscover(body) {
      const hit = requestCache.get(body);
      if (hit && hit.expires > clock()) return hit.value;
      let parsed;
      try {
        parsed = parseAutodiscoverRequest(body);
      } catch {
        return 600;
      }
      if (parsed.unsupportedSchema) return 601;
      const doc = await this.get("autodiscover", splitAddress(parsed.email).domain, parsed.email);
      // Unknown domain: the same generic error as a malformed request, so nothing is revealed.
      return doc ? remember(requestCache, body, doc) : 600;
    },
    invalidate() {
      settingsCache.clear();
      documentCache.clear();
      requestCache.clear();
    },
  };
}
