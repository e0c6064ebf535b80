import { parseThunderbirdXml } from "../autoconfig/thunderbird-parse.js";
import type { MailSettings } from "../model.js";

/** Largest autoconfig document read: real ones are 1–5 KB. */
export const AUTOCONFIG_MAX_BYTES = 64 * 1024;

export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: "error" }) => Promise<Response>;

/** Thunderbird's own order for the ISP step (FetchConfig.fromISP), https only. */
export function autoconfigUrls(domain: string, email: string): string[] {
  const query = `?emailaddress=${encodeURIComponent(email)}`;
  return [
    `https://autoconfig.${domain}/mail/config-v1.1.xml${query}`,
    `https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml${query}`,
  ];
}

async function readLimited(response: Response): Promise<string | null> {
  const reader = response.body?.getReader();
  if (!reader) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > AUTOCONFIG_MAX_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The domain's own autoconfig file: each URL is tried in order, the first parsable answer wins.
 * Redirects are refused (a redirect could point inside the network); `fetch` is injected so the
 * default one can check addresses and tests can serve files from 127.0.0.1.
 */
export async function settingsFromIspAutoconfig(
  domain: string,
  email: string,
  deps: { fetch: FetchLike; urls?: (domain: string, email: string) => string[]; signal: AbortSignal },
): Promise<MailSettings | null> {
  for (const url of (deps.urls ?? autoconfigUrls)(domain, email)) {
    if (deps.signal.aborted) return null;
    try {
      const response = await deps.fetch(url, { signal: deps.signal, redirect: "error" });
      if (!response.ok) continue;
      const type = response.headers.get("content-type") ?? "";
      // Thunderbird ignores answers that are not XML; so do we.
      if (!/(text|application)\/xml/i.test(type)) continue;
      const body = await readLimited(response);
      const settings = body ? parseThunderbirdXml(body, domain) : null;
      if (settings) return settings;
    } catch {
      // Unreachable, refused, timed out: try the next URL.
    }
  }
  return null;
}
