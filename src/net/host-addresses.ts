import { networkInterfaces } from "node:os";
import { addressKey, effectiveIp } from "./target-rules.js";

/**
 * This machine's own addresses (every interface, up or not, as os.networkInterfaces() lists them). A service
 * bound to 0.0.0.0 or :: answers on each of them as on 127.0.0.1, so the target policy judges them as loopback.
 * Re-read at most every REFRESH_MS (getifaddrs is cheap; DHCP, a new container bridge or a VPN can add one at
 * any time), and at once when asked with `fresh`.
 */
export const HOST_ADDRESSES_REFRESH_MS = 5_000;

export type HostAddressSource = () => Iterable<string>;

export function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
}

export function hostAddressKeys(addresses: Iterable<string>): Set<string> {
  const keys = new Set<string>();
  for (const address of addresses) {
    const ip = effectiveIp(address);
    if (ip) keys.add(addressKey(ip));
  }
  return keys;
}

/** A cached reader of the host's address keys (see addressKey). */
export function hostAddressReader(
  source: HostAddressSource = interfaceAddresses,
  clock: () => number = Date.now,
): () => ReadonlySet<string> {
  let keys: ReadonlySet<string> = new Set();
  let readAt = -Infinity;
  return () => {
    const now = clock();
    if (now - readAt >= HOST_ADDRESSES_REFRESH_MS || now < readAt) {
      try {
        keys = hostAddressKeys(source());
      } catch {
        // keep the last list: an error here must not open anything that was closed
      }
      readAt = now;
    }
    return keys;
  };
}
