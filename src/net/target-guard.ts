import { BlockList, isIP } from "node:net";

/**
 * SSRF guard shared by diagnostics and discovery: a server-side probe or fetch opens a socket where a
 * typed name points, so addresses that reach the host's own infrastructure instead of a mail server are
 * refused. Decisions are made on resolved addresses, never on names.
 */
const NEVER = new BlockList();
NEVER.addSubnet("0.0.0.0", 8, "ipv4"); // "this network": 0.0.0.0 reaches the local host on Linux
NEVER.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, includes 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
NEVER.addAddress("100.100.100.200", "ipv4"); // Alibaba Cloud metadata
NEVER.addSubnet("224.0.0.0", 4, "ipv4"); // multicast
NEVER.addSubnet("240.0.0.0", 4, "ipv4"); // reserved, includes 255.255.255.255 broadcast
NEVER.addAddress("::", "ipv6"); // unspecified
NEVER.addSubnet("fe80::", 10, "ipv6"); // link-local
NEVER.addAddress("fd00:ec2::254", "ipv6"); // AWS metadata over IPv6
NEVER.addSubnet("ff00::", 8, "ipv6"); // multicast

/** Loopback and private ranges: fine for an admin's own test, not for a name anyone typed. */
const PRIVATE = new BlockList();
PRIVATE.addSubnet("127.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE.addSubnet("100.64.0.0", 10, "ipv4"); // carrier-grade NAT
PRIVATE.addAddress("::1", "ipv6");
PRIVATE.addSubnet("fc00::", 7, "ipv6"); // unique local

export type TargetVerdict = "allowed" | "forbidden" | "private";

/** Parses "10.0.0.0/8", "fd00::/8" or "192.0.2.7"; throws on anything else. */
export function parseCidr(value: string): { network: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [network = "", prefixText] = value.trim().split("/");
  const version = isIP(network);
  if (version === 0) throw new Error(`Invalid CIDR: ${value}`);
  const max = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`Invalid CIDR: ${value}`);
  return { network, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** The allow-list (FACTEUR_ALLOW_PRIVATE_TARGETS) as a BlockList; invalid entries are skipped. */
export function allowListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    try {
      const { network, prefix, family } = parseCidr(entry);
      list.addSubnet(network, prefix, family);
    } catch {
      // Ignored here; diagnostics validates the list strictly when it builds its guard.
    }
  }
  return list;
}

/** An IPv4-mapped IPv6 address (::ffff:169.254.169.254) is judged as the IPv4 it carries. */
function unmap(address: string): string {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match ? match[1]! : address;
}

/**
 * Classifies a resolved address. `allowOverridesNever`: whether the admin's allow-list may also open the
 * never-ranges (diagnostics: an explicit admin choice; discovery: no, metadata stays closed).
 */
export function classifyTarget(ip: string, allowed?: BlockList, allowOverridesNever = false): TargetVerdict {
  const plain = unmap(ip);
  const version = isIP(plain);
  if (version === 0) return "forbidden";
  const family = version === 4 ? "ipv4" : "ipv6";
  const listed = allowed?.check(plain, family) ?? false;
  if (NEVER.check(plain, family)) return listed && allowOverridesNever ? "allowed" : "forbidden";
  if (PRIVATE.check(plain, family)) return listed ? "allowed" : "private";
  return "allowed";
}
