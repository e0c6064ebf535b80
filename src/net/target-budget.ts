import { addressKey, effectiveIp } from "./target-rules.js";

/**
 * Connection budgets of the outbound target policy, counted in this process (every kind of connection
 * shares them: a bulk run cannot dodge what single tests are held to, nor the other way round).
 * Sliding windows of attempt timestamps; a slot is taken synchronously, so concurrent callers never both
 * see the last one free.
 */

export const RATE_WINDOW_MS = 60_000; // FACTEUR_TARGET_RATE and FACTEUR_TARGET_RATE_PER_TARGET are per minute
export const PORTS_WINDOW_MS = 10 * 60_000; // FACTEUR_TARGET_PORTS_PER_HOST: distinct ports per 10 minutes

export interface BudgetLimits {
  /** New connections per minute, all targets together (0 = no limit). */
  perMinute: number;
  /** New connections per minute to one address and port (0 = no limit). */
  perTargetPerMinute: number;
  /** Distinct ports of one address per 10 minutes (0 = no limit): what a port scan needs, a mail setup does not. */
  portsPerHost: number;
}

export type BudgetRefusal =
  | { code: "TARGET_RATE_LIMITED"; retryAfterMs: number; setting: string }
  | { code: "TARGET_PORT_SCAN_LIMITED"; retryAfterMs: number; setting: string };

/** Timestamps of the last attempts, oldest first, trimmed to the window. */
class Window {
  private readonly times: number[] = [];
  constructor(private readonly spanMs: number) {}

  trim(now: number): void {
    while (this.times.length > 0 && this.times[0]! <= now - this.spanMs) this.times.shift();
  }

  /** 0 when one more fits under `limit`, else how long until the oldest counted attempt leaves the window. */
  waitMs(now: number, limit: number): number {
    this.trim(now);
    if (limit <= 0 || this.times.length < limit) return 0;
    return this.times[this.times.length - limit]! + this.spanMs - now;
  }

  add(now: number): void {
    // Trimmed here too: sending connections (`rate: false`) are counted but never asked `waitMs`, and a window
    // that only grew held one number per connection for the life of the worker.
    this.trim(now);
    this.times.push(now);
  }

  get size(): number {
    return this.times.length;
  }
}

/**
 * Budget keys of an address, the same for every spelling of it (IPv4-mapped/translated/compatible, NAT64 and
 * 6to4 forms count as their IPv4; IPv6 zero-padding and case do not matter). The distinct-port count of an IPv6
 * address is kept per /64: one machine commonly answers on a whole /64 (SLAAC, AnyIP), and a port scan must not
 * get a fresh budget per address of it.
 */
export function budgetKeys(address: string): { target: string; host: string } {
  const ip = effectiveIp(address);
  if (!ip) return { target: address, host: address };
  const target = addressKey(ip);
  if (ip.family === 4) return { target, host: target };
  return { target, host: `${addressKey({ family: 6, value: (ip.value >> 64n) << 64n })}/64` };
}

export class ConnectionBudget {
  private readonly global = new Window(RATE_WINDOW_MS);
  private readonly perTarget = new Map<string, Window>();
  /** host key (budgetKeys) → port → last use. */
  private readonly portsSeen = new Map<string, Map<number, number>>();

  constructor(
    private readonly limits: BudgetLimits,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Takes one connection slot for `address:port` now, or says why not. `rate: false` (sending, bounded by its
   * own connection pool) counts only toward the distinct-port limit.
   */
  take(address: string, port: number, rate: boolean): BudgetRefusal | null {
    const now = this.clock();
    const keys = budgetKeys(address);
    const scan = this.portScanWait(keys.host, port, now);
    if (scan > 0)
      return {
        code: "TARGET_PORT_SCAN_LIMITED",
        retryAfterMs: scan,
        setting: "FACTEUR_TARGET_PORTS_PER_HOST",
      };
    const key = `${keys.target}|${port}`;
    let target = this.perTarget.get(key);
    if (rate) {
      const perTarget = target?.waitMs(now, this.limits.perTargetPerMinute) ?? 0;
      if (perTarget > 0)
        return {
          code: "TARGET_RATE_LIMITED",
          retryAfterMs: perTarget,
          setting: "FACTEUR_TARGET_RATE_PER_TARGET",
        };
      const global = this.global.waitMs(now, this.limits.perMinute);
      if (global > 0)
        return { code: "TARGET_RATE_LIMITED", retryAfterMs: global, setting: "FACTEUR_TARGET_RATE" };
    }
    this.global.add(now);
    if (!target) this.perTarget.set(key, (target = new Window(RATE_WINDOW_MS)));
    target.add(now);
    let ports = this.portsSeen.get(keys.host);
    if (!ports) this.portsSeen.set(keys.host, (ports = new Map()));
    ports.set(port, now);
    this.sweep(now);
    return null;
  }

  private portScanWait(address: string, port: number, now: number): number {
    const ports = this.portsSeen.get(address);
    if (!ports || this.limits.portsPerHost <= 0) return 0;
    for (const [seen, at] of ports) if (at <= now - PORTS_WINDOW_MS) ports.delete(seen);
    if (ports.has(port) || ports.size < this.limits.portsPerHost) return 0;
    return Math.min(...ports.values()) + PORTS_WINDOW_MS - now;
  }

  /** How many attempts the windows hold now (all targets, and the busiest one): memory stays bounded. */
  held(): { global: number; busiestTarget: number; targets: number } {
    let busiestTarget = 0;
    for (const window of this.perTarget.values()) busiestTarget = Math.max(busiestTarget, window.size);
    return { global: this.global.size, busiestTarget, targets: this.perTarget.size };
  }

  /** Keeps memory bounded by the targets of the last windows. */
  private sweep(now: number): void {
    if (this.perTarget.size > 1_000)
      for (const [key, window] of this.perTarget) {
        window.trim(now);
        if (window.size === 0) this.perTarget.delete(key);
      }
    if (this.portsSeen.size > 1_000)
      for (const [address, ports] of this.portsSeen)
        if ([...ports.values()].every((at) => at <= now - PORTS_WINDOW_MS)) this.portsSeen.delete(address);
  }
}
