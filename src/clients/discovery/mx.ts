import { rankServers, type MailSettings } from "../model.js";
import { orEmpty, type MailDnsResolver } from "./dns.js";
import { providerForMx, type ProviderEntry } from "./providers.js";

/**
 * MX heuristic: a company domain whose lowest-preference MX belongs to a known hosted offer
 * (Google Workspace, Microsoft 365, OVHcloud, Gandi) uses that offer's client settings.
 */
export async function settingsFromMx(
  domain: string,
  resolver: MailDnsResolver,
): Promise<{ settings: MailSettings; provider: ProviderEntry; mx: string } | null> {
  const records = await orEmpty(resolver.resolveMx(domain));
  const sorted = [...records].sort((a, b) => a.priority - b.priority);
  for (const record of sorted) {
    const provider = providerForMx(record.exchange);
    if (!provider) continue;
    return {
      provider,
      mx: record.exchange,
      settings: {
        domain,
        displayName: provider.name,
        incoming: rankServers(provider.incoming),
        outgoing: rankServers(provider.outgoing),
        note: provider.note,
      },
    };
  }
  return null;
}
