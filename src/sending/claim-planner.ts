/**
 * How much a worker claims next, as pure functions of what it holds: free slots, the per-server share
 * (head-of-line protection), the byte budget. No clock, no database: test/sending/claim-planner.test.ts.
 */

export const CLAIM_TTL_MS = 5 * 60_000; // > the worst send (connect 30 s + greeting 30 s + socket 60 s per step)
export const IDLE_POLL_MS = 500; // how long an idle worker sleeps before looking for new work
/**
 * Head-of-line protection: one server may hold at most the worker's slots minus this share, so a server that
 * accepts connections and never answers cannot stop every other server's mail until its timeouts fire.
 */
export const RESERVE_SHARE = 0.25;
/** While one server is at its share, the reserve is searched for other servers' mail this often. */
export const PROBE_MS = 100;

export interface ClaimLimits {
  /** Messages in flight at most (FACTEUR_WORKER_CONCURRENCY). */
  concurrency: number;
  /** Messages per claim at most (FACTEUR_WORKER_BATCH). */
  batchSize: number;
  /** No claim while the messages held weigh this much (FACTEUR_WORKER_MAX_MIB, in bytes). */
  maxBytesInFlight: number;
  /** Slots one server may hold. */
  serverShare: number;
  /** Slots kept for other servers' mail while one server holds its whole share. */
  reserve: number;
}

/** What the worker holds when it plans its next claim. */
export interface WorkerLoad {
  inFlight: number;
  bytesInFlight: number;
  /** Slots held by the busiest server. */
  busiestServer: number;
  /** Claimed messages not routed yet: they may belong to any server, so they count against every share. */
  unrouted: number;
}

export type ClaimPlan =
  | { kind: "wait" }
  /** `probe`: one server holds its whole share and the reserve looks for other servers' mail. */
  | { kind: "claim"; limit: number; probe: boolean };

/** Splits a worker's slots into the share one server may hold and the reserve left for the others. */
export function shareLimits(concurrency: number): Pick<ClaimLimits, "serverShare" | "reserve"> {
  const reserve = Math.max(1, Math.ceil(concurrency * RESERVE_SHARE));
  return { reserve, serverShare: Math.max(1, concurrency - reserve) };
}

/**
 * The next claim: never more than the busiest server can still take (a message it cannot take would only go
 * back to the outbox), in batches (waiting until half a batch of room is free costs little latency and saves
 * one claiming write per message), nothing while the byte budget is spent. `probeDue`: PROBE_MS have passed
 * since the last probe.
 */
export function planClaim(limits: ClaimLimits, load: WorkerLoad, probeDue: boolean): ClaimPlan {
  const room = limits.concurrency - load.inFlight;
  const headroom = limits.serverShare - Math.max(0, load.busiestServer) - load.unrouted;
  const limit = Math.min(room, limits.batchSize, headroom);
  const worthClaiming = Math.min(Math.ceil(limits.batchSize / 2), limits.serverShare);
  if (load.inFlight === 0) return { kind: "claim", limit, probe: false };
  if (load.bytesInFlight >= limits.maxBytesInFlight) return { kind: "wait" };
  if (limit >= worthClaiming) return { kind: "claim", limit, probe: false };
  if (headroom > 0 || room <= 0 || !probeDue) return { kind: "wait" };
  return { kind: "claim", limit: Math.min(room, limits.reserve), probe: true };
}

/**
 * Slots held per server (a message counts against the first server of its route from routing to verdict) and
 * the claimed messages not routed yet.
 */
export class ServerShares {
  private readonly held = new Map<number, number>();
  unrouted = 0;

  constructor(private readonly serverShare: number) {}

  busiest(): number {
    let most = 0;
    for (const n of this.held.values()) if (n > most) most = n;
    return most;
  }

  /** Takes a slot of `serverId`'s share; false when it holds its whole share already. */
  tryTake(serverId: number): boolean {
    const held = this.held.get(serverId) ?? 0;
    if (held >= this.serverShare) return false;
    this.held.set(serverId, held + 1);
    return true;
  }

  release(serverId: number): void {
    const left = (this.held.get(serverId) ?? 1) - 1;
    if (left > 0) this.held.set(serverId, left);
    else this.held.delete(serverId);
  }
}
