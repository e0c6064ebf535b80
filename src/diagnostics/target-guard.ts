import { BlockList, isIP } from "node:net";

/**
 * SSRF guard: a connection test opens a socket wherever an admin points it, so addresses that reach the
 * host's own infrastructure instead of a mail server are refused by default. Loopback and private ranges
 * stay allowed: local mail servers (and the test suite) live there.
 */
const BLOCKED_V4: ReadonlyArray<[string, number]> = [
  ["0.0.0.0", 8], // "this network": 0.0.0.0 reaches the local host on Linux
  ["169.254.0.0", 16], // link-local, includes 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
  ["100.100.100.200", 32], // Alibaba Cloud metadata
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, includes 255.255.255.255 broadcast
];
const BLOCKED_V6: ReadonlyArray<[string, number]> = [
  ["::", 128], // unspecified
  ["fe80::", 10], // link-local
  ["fd00:ec2::254", 128], // AWS metadata over IPv6
  ["ff00::", 8], // multicast
];

export interface TargetPolicy {
  /** CIDRs (or single addresses) allowed even when blocked above: FACTEUR_ALLOW_PRIVATE_TARGETS. */
  allow: readonly string[];
}

function blockList(v4: ReadonlyArray<[string, number]>, v6: ReadonlyArray<[string, number]>): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, "ipv4");
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, "ipv6");
  return list;
}

const DEFAULT_BLOCKED = blockList(BLOCKED_V4, BLOCKED_V6);

/** Parses "10.0.0.0/8", "fd00::/8" or "192.0.2.7"; throws on anything else (config is checked at start). */
export function parseCidr(value: string): { network: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [network = "", prefixText] = value.trim().split("/");
  const version = isIP(network);
  if (version === 0) throw new Error(`Invalid CIDR: ${value}`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`Invalid CIDR: ${value}`);
  return { network, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** An IPv4-mapped IPv6 address (::ffff:169.254.169.254) is judged as the IPv4 it carries. */
function unmap(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}

/** Decides, for resolved addresses, whether a test may connect to them. */
export class TargetGuard {
  private readonly allowed = new BlockList();

  constructor(policy: TargetPolicy) {
    for (const entry of policy.allow) {
      const { network, prefix, family } = parseCidr(entry);
      this.allowed.addSubnet(network, prefix, family);
    }
  }

  /** True when the address (already resolved, never a name) may be reached. */
  permits(address: string): boolean {
    const plain = unmap(address);
    const family = isIP(plain) === 6 ? "ipv6" : "ipv4";
    if (isIP(plain) === 0) return false;
    if (this.allowed.check(plain, family)) return true;
    return !DEFAULT_BLOCKED.check(plain, family);
  }
}
