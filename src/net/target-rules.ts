import { isIP } from "node:net";

/**
 * Address and port rules of the outbound target policy (see target-policy.ts): CIDR and port-range parsing,
 * the built-in address categories, and the one decision function. Pure: no DNS, no sockets, no clock.
 */

export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

export interface PortRange {
  from: number;
  to: number;
}

/** One FACTEUR_TARGETS_ALLOW / FACTEUR_TARGETS_DENY entry: `CIDR`, or `CIDR:ports` (ports `*`, `N` or `N-M`). */
export interface TargetRule {
  text: string;
  cidr: Cidr;
  /** null: the entry names addresses only (the port list FACTEUR_TARGET_PORTS still applies when allowing). */
  ports: PortRange[] | null;
}

export interface TargetRuleSet {
  allow: readonly TargetRule[];
  deny: readonly TargetRule[];
  /** FACTEUR_TARGET_PORTS; null means every port. */
  ports: readonly PortRange[] | null;
}

const V4_BITS = 32;
const V6_BITS = 128;

function v4ToBigInt(text: string): bigint {
  return text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function v6ToBigInt(text: string): bigint {
  let address = text.split("%")[0]!; // a zone id (fe80::1%eth0) names an interface, not an address
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (tail) {
    const v4 = v4ToBigInt(tail[1]!);
    address = `${address.slice(0, -tail[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", rest] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = rest === undefined ? [] : rest ? rest.split(":") : [];
  const groups =
    rest === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** An IP literal as family + number; null when not an IP literal. */
export function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  const version = isIP(text);
  if (version === 4) return { family: 4, value: v4ToBigInt(text) };
  if (version === 6) return { family: 6, value: v6ToBigInt(text) };
  return null;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(family === 4 ? V4_BITS : V6_BITS);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/** Parses "10.0.0.0/8", "fd00::/8" or "192.0.2.7" (a whole address); throws on anything else. */
export function parseCidr(value: string): Cidr {
  const [network = "", prefixText, extra] = value.trim().split("/");
  const ip = parseIp(network);
  if (!ip || extra !== undefined) throw new Error(`Invalid CIDR: ${value}`);
  const max = ip.family === 4 ? V4_BITS : V6_BITS;
  const prefix = prefixText === undefined ? max : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new Error(`Invalid CIDR: ${value}`);
  return { family: ip.family, base: ip.value & mask(ip.family, prefix), prefix };
}

export function cidrContains(cidr: Cidr, ip: { family: 4 | 6; value: bigint }): boolean {
  return cidr.family === ip.family && (ip.value & mask(cidr.family, cidr.prefix)) === cidr.base;
}

/** Parses `*`, `25`, `2525-2600`, or a `|`-separated list of those. */
export function parsePorts(value: string): PortRange[] | null {
  const text = value.trim();
  if (text === "*") return null;
  return text.split("|").map((part) => {
    const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    const from = Number(match?.[1]);
    const to = Number(match?.[2] ?? match?.[1]);
    if (!match || from < 1 || to > 65_535 || from > to) throw new Error(`Invalid port range: ${value}`);
    return { from, to };
  });
}

const EVERY_PORT: PortRange[] = [{ from: 1, to: 65_535 }];
const rulePorts = (text: string): PortRange[] => parsePorts(text) ?? EVERY_PORT;

/**
 * One allow/deny entry. An IPv6 address with a port needs brackets or a prefix (`[::1]:2525`,
 * `fd00::/8:25`): a bare IPv6 address is always read as an address alone.
 */
export function parseTargetRule(entry: string): TargetRule {
  const text = entry.trim();
  const bracket = /^\[([^\]]+)\](\/\d+)?(?::(.+))?$/.exec(text);
  if (bracket) {
    const ports = bracket[3] === undefined ? null : rulePorts(bracket[3]);
    return { text, cidr: parseCidr(`${bracket[1]}${bracket[2] ?? ""}`), ports };
  }
  try {
    return { text, cidr: parseCidr(text), ports: null };
  } catch {
    const colon = text.lastIndexOf(":");
    const head = text.slice(0, colon);
    if (colon < 0 || (isIP(head) === 6 && !head.includes("/")))
      throw new Error(`Invalid target entry: ${entry} (write IPv6 with a port as [addr]:port)`);
    return { text, cidr: parseCidr(head), ports: rulePorts(text.slice(colon + 1)) };
  }
}

export function portIn(ranges: readonly PortRange[] | null, port: number): boolean {
  return ranges === null || ranges.some((r) => port >= r.from && port <= r.to);
}

/**
 * Built-in address categories, most specific first. `never`: no setting opens them (no mail server lives
 * there; 0.0.0.0 even reaches the local host on Linux). `closed`: refused unless an allow entry inside the
 * category names them. `private`: open for settings an admin typed, closed for discovery.
 */
export type AddressCategory =
  | "unspecified"
  | "multicast"
  | "reserved"
  | "metadata"
  | "loopback"
  | "link-local"
  | "special-purpose"
  | "private"
  | "public";

const CATEGORY_RANGES: ReadonlyArray<[Exclude<AddressCategory, "public">, string]> = [
  ["unspecified", "0.0.0.0/8"],
  ["unspecified", "::/128"],
  ["multicast", "224.0.0.0/4"],
  ["multicast", "ff00::/8"],
  ["reserved", "240.0.0.0/4"], // includes 255.255.255.255 (broadcast)
  ["reserved", "2001::/32"], // Teredo: hides an IPv4 address we cannot judge
  ["metadata", "169.254.169.254/32"], // AWS, GCP, Azure, OpenStack
  ["metadata", "100.100.100.200/32"], // Alibaba Cloud
  ["metadata", "fd00:ec2::254/128"], // AWS over IPv6
  ["loopback", "127.0.0.0/8"],
  ["loopback", "::1/128"],
  ["link-local", "169.254.0.0/16"],
  ["link-local", "fe80::/10"],
  // IANA special-purpose ranges no mail server of the Internet lives in: documentation, benchmarking, IETF
  // protocol assignments, the deprecated 6to4 relay anycast. Closed like loopback (a lab may name one to open it).
  ["special-purpose", "192.0.0.0/24"],
  ["special-purpose", "192.0.2.0/24"],
  ["special-purpose", "198.51.100.0/24"],
  ["special-purpose", "203.0.113.0/24"],
  ["special-purpose", "198.18.0.0/15"],
  ["special-purpose", "192.88.99.0/24"],
  ["special-purpose", "2001:db8::/32"],
  ["special-purpose", "3fff::/20"],
  ["special-purpose", "2001:2::/48"],
  ["private", "10.0.0.0/8"],
  ["private", "172.16.0.0/12"],
  ["private", "192.168.0.0/16"],
  ["private", "100.64.0.0/10"], // carrier-grade NAT; also overlay VPNs (Tailscale): treated as private
  ["private", "fc00::/7"], // unique local
];
const CATEGORIES = CATEGORY_RANGES.map(([category, cidr]) => ({ category, cidr: parseCidr(cidr) }));
export const NEVER_CATEGORIES: ReadonlySet<AddressCategory> = new Set([
  "unspecified",
  "multicast",
  "reserved",
]);

type Ip = { family: 4 | 6; value: bigint };

/**
 * The IPv4 of a local-use NAT64 address (64:ff9b:1::/48, RFC 8215). The operator picks the prefix length
 * (RFC 6052: /48, /56, /64 or /96), which the address does not say, so every valid reading is judged:
 * the /96 one (low 32 bits), and the /64 one (bits 72–103, u-octet and 24-bit suffix zero) when it is not
 * public. The /48 and /56 forms have a zero 32-bit suffix, read as 0.0.0.0 by the /96 reading: refused anyway.
 */
function localNat64(v: bigint): Ip {
  const as96: Ip = { family: 4, value: v & 0xffffffffn };
  if (((v >> 56n) & 0xffn) !== 0n || (v & 0xffffffn) !== 0n) return as96;
  const as64: Ip = { family: 4, value: (v >> 24n) & 0xffffffffn };
  const category = categorize(as64).category;
  return category === "public" || category === "unspecified" ? as96 : as64;
}

/**
 * IPv6 forms that carry an IPv4 address are judged as that IPv4: mapped (::ffff:a.b.c.d), translated
 * (::ffff:0:a.b.c.d, RFC 2765), compatible (::a.b.c.d), NAT64 (64:ff9b::/96, and the local-use 64:ff9b:1::/48)
 * and 6to4 (2002:AABB:CCDD::/48).
 */
export function effectiveIp(address: string): Ip | null {
  const ip = parseIp(address);
  if (!ip || ip.family === 4) return ip;
  const v = ip.value;
  const low32 = v & 0xffffffffn;
  const high96 = v >> 32n;
  if (high96 === 0xffffn || high96 === 0xffff0000n || (high96 === 0n && low32 > 1n))
    return { family: 4, value: low32 };
  if (high96 === 0x0064ff9b0000000000000000n) return { family: 4, value: low32 };
  if (v >> 80n === 0x0064ff9b0001n) return localNat64(v);
  if (v >> 112n === 0x2002n) return { family: 4, value: (v >> 80n) & 0xffffffffn };
  return ip;
}

/** A stable text key of an address: the same for every spelling of it (budgets, the host's own addresses). */
export function addressKey(ip: Ip): string {
  return `${ip.family}:${ip.value.toString(16)}`;
}

/**
 * The address's category and, unless public, the CIDR of the category it falls in. `hostAddresses` (keys of
 * addressKey) are this machine's own interface addresses: a service bound to 0.0.0.0 or :: answers on each of
 * them exactly as on 127.0.0.1, so each is loopback (its own /32 or /128: an allow entry must name it).
 */
export function categorize(
  ip: Ip,
  hostAddresses?: ReadonlySet<string>,
): { category: AddressCategory; cidr?: Cidr } {
  const hit = CATEGORIES.find((c) => cidrContains(c.cidr, ip));
  if (hit && NEVER_CATEGORIES.has(hit.category)) return { category: hit.category, cidr: hit.cidr };
  // 127.0.0.1 and ::1 are on `lo` too: they keep the loopback range (an allow of 127.0.0.0/8 opens them).
  if (hit?.category !== "loopback" && hostAddresses?.has(addressKey(ip)))
    return {
      category: "loopback",
      cidr: { ...ip, base: ip.value, prefix: ip.family === 4 ? V4_BITS : V6_BITS },
    };
  return hit ? { category: hit.category, cidr: hit.cidr } : { category: "public" };
}

export type Refusal =
  | { code: "TARGET_BLOCKED"; reason: AddressCategory | "deny-list" | "invalid"; setting: string | null }
  | { code: "TARGET_PORT_BLOCKED"; reason: "port"; setting: string };

/**
 * The decision for one resolved address and port: null when allowed, else why not and which setting
 * would allow it. Order: never-ranges, deny entries, allow entries (each opens only addresses inside
 * its own range: 0.0.0.0/0 does not open loopback), closed categories, then the port list.
 */
export function decideTarget(
  address: string,
  port: number,
  rules: TargetRuleSet,
  options: { privateOpen: boolean; hostAddresses?: ReadonlySet<string> },
): Refusal | null {
  const ip = effectiveIp(address);
  if (!ip) return { code: "TARGET_BLOCKED", reason: "invalid", setting: null };
  const { category, cidr } = categorize(ip, options.hostAddresses);
  if (NEVER_CATEGORIES.has(category)) return { code: "TARGET_BLOCKED", reason: category, setting: null };
  const covers = (rule: TargetRule) => cidrContains(rule.cidr, ip) && portIn(rule.ports, port);
  if (rules.deny.some(covers))
    return { code: "TARGET_BLOCKED", reason: "deny-list", setting: "FACTEUR_TARGETS_DENY" };
  const opening = rules.allow.filter(
    (rule) => cidrContains(rule.cidr, ip) && (!cidr || rule.cidr.prefix >= cidr.prefix),
  );
  if (opening.some((rule) => rule.ports !== null && portIn(rule.ports, port))) return null;
  const opened = opening.some((rule) => rule.ports === null);
  const closed =
    category === "metadata" ||
    category === "loopback" ||
    category === "link-local" ||
    category === "special-purpose" ||
    (category === "private" && !options.privateOpen);
  if (closed && !opened)
    return { code: "TARGET_BLOCKED", reason: category, setting: "FACTEUR_TARGETS_ALLOW" };
  if (!portIn(rules.ports, port))
    return { code: "TARGET_PORT_BLOCKED", reason: "port", setting: "FACTEUR_TARGET_PORTS" };
  return null;
}
