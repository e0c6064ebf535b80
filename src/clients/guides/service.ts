import type { Lang } from "../../domain/errors.js";
import { discoverSettings, type DiscoveryDeps } from "../discovery/discover.js";
import type { IncomingProtocol } from "../model.js";
import { buildGuide, guideClient, type Guide } from "./guide.js";

/** Path of the Apple profile endpoint (public), relative to Facteur's public URL. */
export const MOBILECONFIG_PATH = "/mobileconfig";

export function mobileconfigUrl(publicUrl: string, email: string): string {
  return `${publicUrl.replace(/\/$/, "")}${MOBILECONFIG_PATH}?emailaddress=${encodeURIComponent(email)}`;
}

/**
 * Discovers the settings of `email` (never probing: a guide must not open connections to mail servers) and
 * builds the guide for `clientId`. With `network: false` (callers without the admin scope) only the admin's
 * own domains and the bundled provider database are read: no DNS query, no autoconfig https fetch.
 * The QR code / profile link is offered only for the admin's own domains, the only ones Facteur serves a
 * profile for.
 */
export async function guideForAddress(
  email: string,
  clientId: string,
  lang: Lang,
  deps: DiscoveryDeps,
  options: { publicUrl: string; incomingProtocol?: IncomingProtocol; network?: boolean },
): Promise<Guide> {
  guideClient(clientId); // unknown client: fail before any lookup
  const discovery = await discoverSettings(email, {
    ...deps,
    network: options.network ?? deps.network ?? true,
    probe: { enabled: false },
  });
  return buildGuide({
    clientId,
    lang,
    discovery,
    mobileconfigUrl:
      discovery.source === "admin" ? mobileconfigUrl(options.publicUrl, discovery.email) : null,
    ...(options.incomingProtocol ? { incomingProtocol: options.incomingProtocol } : {}),
  });
}
