import { request } from "node:https";
import { isIP } from "node:net";
import type { AppContext } from "../../app/context.js";
import { targetPolicy, type TargetPolicy } from "../../net/target-policy.js";
import { findDomainByName, settingsOfDomain } from "../domains/domain.service.js";
import { createMailResolver, type MailDnsResolver } from "./dns.js";
import type { DiscoveryDeps } from "./discover.js";
import type { FetchLike } from "./isp-autoconfig.js";

const AUTOCONFIG_PORT = 443; // autoconfig URLs are https only (isp-autoconfig.ts)
const AUTOCONFIG_MAX_BYTES = 256 * 1024; // a config-v1.1.xml is a few KiB

/**
 * fetch() for the autoconfig step, through the target policy (kind `discovery-fetch`): the connection's own
 * `lookup` resolves the name, judges every address and hands Node the judged one, so the socket goes where the
 * check looked (no second resolution a rebinding DNS could answer differently). Redirects are not followed.
 */
export function guardedFetch(policy: TargetPolicy): FetchLike {
  return async (url, init) => {
    const target = new URL(url);
    const port = Number(target.port || AUTOCONFIG_PORT);
    const host = target.hostname.replace(/^\[|\]$/g, "");
    // An IP literal skips `lookup`: judged here, before any socket exists.
    if (isIP(host)) await policy.admit("discovery-fetch", host, port);
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        target,
        { method: "GET", signal: init.signal, lookup: policy.lookupFor("discovery-fetch", port) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > AUTOCONFIG_MAX_BYTES) req.destroy(new Error("autoconfig document too large"));
            else chunks.push(chunk);
          });
          res.on("end", () =>
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502 })),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end();
    });
  };
}

/** Production dependencies: the database, the system resolver, a guarded fetch. */
export function discoveryDeps(
  ctx: AppContext,
  options: { probe?: boolean; resolver?: MailDnsResolver } = {},
): DiscoveryDeps {
  const policy = targetPolicy(ctx);
  return {
    async adminSettings(domain) {
      const view = await findDomainByName(ctx, domain);
      return view ? settingsOfDomain(view) : null;
    },
    resolver: options.resolver ?? createMailResolver(),
    fetch: guardedFetch(policy),
    probe: { enabled: options.probe === true, policy },
  };
}
