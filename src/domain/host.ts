/**
 * Host names as users type them (IDN, trailing dot, upper case) turned into the ASCII form
 * (punycode, RFC 5891) that DNS and SMTP use. Runs in Node and in browsers (WHATWG URL parser).
 */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

export function isIpv6(value: string): boolean {
  if (!value.includes(":")) return false;
  try {
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** Returns the ASCII host (punycode for IDN, brackets stripped for IPv6), or null when it is not a host. */
export function normalizeHost(input: string): string | null {
  const trimmed = input.trim().replace(/\.$/, "");
  if (trimmed === "" || trimmed.length > 253) return null;
  const bare = trimmed.startsWith("[") && trimmed.endsWith("]") ? trimmed.slice(1, -1) : trimmed;
  if (isIpv6(bare)) return bare.toLowerCase();
  if (isIpv4(bare)) return bare;
  if (/[\s/\\?#@:]/.test(bare)) return null;
  // A dotted all-numeric name that is not a full IPv4 ("1.2.3") would be rewritten by the URL parser.
  if (/^[\d.]+$/.test(bare)) return null;
  let ascii: string;
  try {
    ascii = new URL(`http://${bare}/`).hostname;
  } catch {
    return null;
  }
  if (ascii.length > 253) return null;
  const labels = ascii.split(".");
  if (labels.some((label) => !LABEL.test(label))) return null;
  return ascii;
}
