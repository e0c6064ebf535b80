import { lookup } from "node:dns/promises";
import type { AppContext } from "../../app/context.js";
import { findDomainByName, settingsOfDomain } from "../domains/domain.service.js";
import { createMailResolver, type MailDnsResolver } from "./dns.js";
import type { DiscoveryDeps } from "./discover.js";
import type { FetchLike } from "./isp-autoconfig.js";
import { allowListOf, classifyTarget } from "../../net/target-guard.js";

/**
 * fetch() that refuses URLs whose host resolves to a forbidden or (unless allowed) private address.
 * The address is checked just before the request: good enough against typed names pointing at
 * metadata services; redirects are refused by the caller.
 */
export function guardedFetch(allowedCidrs: readonly string[]): FetchLike {
  const allowed = allowListOf(allowedCidrs);
  return async (url, init) => {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    const addresses = await lookup(host, { all: true });
    if (addresses.length === 0 || addresses.some((a) => classifyTarget(a.address, allowed) !== "allowed")) {
      throw new Error(`refused: ${host} resolves to a non-public address`);
    }
    return fetch(url, init);
  };
}

/** Production dependencies: the database, the system resolver, a guarded fetch. */
export function discoveryDeps(
  ctx: AppContext,
  options: { probe?: boolean; resolver?: MailDnsResolver } = {},
): DiscoveryDeps {
  const allowed = ctx.config.allowTargets;
  return {
    async adminSettings(domain) {
      const view = await findDomainByName(ctx, domain);
      return view ? settingsOfDomain(view) : null;
    },
    resolver: options.resolver ?? createMailResolver(),
    fetch: guardedFetch(allowed),
    probe: { enabled: options.probe === true, allowed: allowListOf(allowed) },
  };
}
