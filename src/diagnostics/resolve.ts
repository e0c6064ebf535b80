import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { DnsResult } from "./result.js";
import type { TargetGuard } from "./target-guard.js";

export interface ResolvedTarget {
  dns: DnsResult;
  /** Addresses the guard permits, in resolver order: the probe tries them in turn on refusal. */
  permitted: string[];
}

export class ResolveError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves a host (A and AAAA, through getaddrinfo so /etc/hosts applies like for any client) within a
 * deadline, then filters the addresses through the SSRF guard. The guard judges addresses, not names: a
 * name pointing at 169.254.169.254 is refused like the address itself.
 */
export async function resolveTarget(
  host: string,
  guard: TargetGuard,
  timeoutMs: number,
): Promise<ResolvedTarget> {
  const started = performance.now();
  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ResolveError("EAI_AGAIN", `DNS lookup of ${host} timed out`)),
        timeoutMs,
      );
    });
    try {
      const found = await Promise.race([lookup(host, { all: true, verbatim: true }), deadline]);
      addresses = found.map((a) => a.address);
    } catch (error) {
      if (error instanceof ResolveError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? "ENOTFOUND";
      throw new ResolveError(code, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
  const ms = Math.round(performance.now() - started);
  const permitted = addresses.filter((a) => guard.permits(a));
  return { dns: { addresses, used: permitted[0] ?? null, ms }, permitted };
}
