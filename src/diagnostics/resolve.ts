import { isIP } from "node:net";
import type { ConnectionKind, TargetPolicy } from "../net/target-policy.js";
import type { Refusal } from "../net/target-rules.js";
import type { DnsResult } from "./result.js";

export interface ResolvedTarget {
  dns: DnsResult;
  /** Addresses the target policy permits, in resolver order: the probe tries them in turn on refusal. */
  permitted: string[];
  /** Why the first address was refused, when none is permitted. */
  refusal: Refusal | null;
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
 * deadline, then judges each address with the target policy. The policy judges addresses, not names: a name
 * pointing at 169.254.169.254 or 127.0.0.1 is refused like the address itself. The probe connects to these
 * addresses only (never to the name again) and admits each one through the policy right before connecting.
 */
export async function resolveTarget(
  host: string,
  port: number,
  policy: TargetPolicy,
  kind: ConnectionKind,
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
      // node:dns/promises is loaded on the first name to resolve: an IP literal never needs it.
      const { lookup } = process.getBuiltinModule("node:dns/promises");
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
  const verdicts = addresses.map((address) => ({ address, refusal: policy.decide(kind, address, port) }));
  const permitted = verdicts.filter((v) => v.refusal === null).map((v) => v.address);
  const refusal = permitted.length === 0 ? (verdicts[0]?.refusal ?? null) : null;
  if (refusal)
    policy.report({ kind, code: refusal.code, host, address: addresses[0]!, port, reason: refusal.reason });
  return { dns: { addresses, used: permitted[0] ?? null, ms }, permitted, refusal };
}
