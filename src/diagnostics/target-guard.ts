import type { BlockList } from "node:net";
import { allowListOf, classifyTarget, parseCidr } from "../net/target-guard.js";

export { parseCidr };

export interface TargetPolicy {
  /** CIDRs (or single addresses) allowed even when blocked: FACTEUR_ALLOW_PRIVATE_TARGETS. */
  allow: readonly string[];
}

/**
 * The diagnostics view of the shared SSRF guard: a connection test goes where an admin asked, so loopback
 * and private ranges stay allowed (local mail servers, the test suite); metadata, link-local, unspecified
 * and multicast are refused unless the admin's allow-list names them.
 */
export class TargetGuard {
  private readonly allowed: BlockList;

  constructor(policy: TargetPolicy) {
    for (const entry of policy.allow) parseCidr(entry); // a bad entry fails loudly, not silently
    this.allowed = allowListOf(policy.allow);
  }

  /** True when the address (already resolved, never a name) may be reached. */
  permits(address: string): boolean {
    return classifyTarget(address, this.allowed, true) !== "forbidden";
  }
}
