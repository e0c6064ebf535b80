import { BlockList, isIP } from "node:net";

/**
 * SSRF guard for discovery: addresses a server-side fetch or probe must never reach because of a name
 * someone typed. Link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254 included), unspecified
 * and multicast are refused always; loopback and private ranges only unless an admin allowed them
 * (FACTEUR_ALLOW_PRIVATE_TARGETS, or tests on 127.0.0.1).
 */
const NEVER = new BlockList();
NEVER.addSubnet("0.0.0.0", 8, "ipv4");
NEVER.addSubnet("169.254.0.0", 16, "ipv4");
NEVER.addSubnet("224.0.0.0", 4, "ipv4");
NEVER.addSubnet("240.0.0.0", 4, "ipv4");
NEVER.addAddress("100.100.100.200", "ipv4"); // Alibaba Cloud metadata
NEVER.addAddress("::", "ipv6");
NEVER.addSubnet("fe80::", 10, "ipv6");
NEVER.addSubnet("ff00::", 8, "ipv6");
NEVER.addAddress("fd00:ec2::254", "ipv6"); // AWS metadata over IPv6

const PRIVATE = new BlockList();
PRIVATE.addSubnet("127.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("10.0.0.0", 8, "ipv4");
PRIVATE.addSubnet("172.16.0.0", 12, "ipv4");
PRIVATE.addSubnet("192.168.0.0", 16, "ipv4");
PRIVATE.addSubnet("100.64.0.0", 10, "ipv4");
PRIVATE.addAddress("::1", "ipv6");
PRIVATE.addSubnet("fc00::", 7, "ipv6");

export type TargetVerdict = "allowed" | "forbidden" | "private";

function family(ip: string): "ipv4" | "ipv6" | null {
  const v = isIP(ip);
  return v === 4 ? "ipv4" : v === 6 ? "ipv6" : null;
}

/** Builds the allow-list from CIDR strings ("127.0.0.0/8", "10.1.2.3"). Bad entries are ignored. */
export function allowListOf(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [address, bits] = entry.split("/");
    const f = address ? family(address) : null;
    if (!address || !f) continue;
    if (bits === undefined) list.addAddress(address, f);
    else list.addSubnet(address, Number.parseInt(bits, 10), f);
  }
  return list;
}

export function classifyTarget(ip: string, allowed?: BlockList): TargetVerdict {
  const mapped = ip.toLowerCase().startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const f = family(mapped);
  if (!f) return "forbidden";
  if (NEVER.check(mapped, f)) return "forbidden";
  if (PRIVATE.check(mapped, f)) return allowed?.check(mapped, f) ? "allowed" : "private";
  return "allowed";
}
