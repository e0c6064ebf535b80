import { describe, expect, it } from "vitest";
import {
  planClaim,
  ServerShares,
  shareLimits,
  type ClaimLimits,
  type WorkerLoad,
} from "../../src/sending/claim-planner.js";

const limits: ClaimLimits = {
  concurrency: 100,
  batchSize: 50,
  maxBytesInFlight: 64 * 1024 * 1024,
  ...shareLimits(100),
};
const idle: WorkerLoad = { inFlight: 0, bytesInFlight: 0, busiestServer: 0, unrouted: 0 };

describe("claim planner", () => {
  it("keeps a quarter of the slots from any one server", () => {
    expect(shareLimits(100)).toEqual({ reserve: 25, serverShare: 75 });
    expect(shareLimits(10)).toEqual({ reserve: 3, serverShare: 7 });
    expect(shareLimits(1)).toEqual({ reserve: 1, serverShare: 1 });
  });

  it("claims a whole batch when idle", () => {
    expect(planClaim(limits, idle, false)).toEqual({ kind: "claim", limit: 50, probe: false });
  });

  it("claims no more than the free slots and the busiest server's headroom", () => {
    expect(planClaim(limits, { ...idle, inFlight: 70, busiestServer: 10 }, false)).toEqual({
      kind: "claim",
      limit: 30,
      probe: false,
    });
    expect(planClaim(limits, { ...idle, inFlight: 40, busiestServer: 40 }, false)).toEqual({
      kind: "claim",
      limit: 35,
      probe: false,
    });
  });

  it("counts claimed messages not routed yet against every server", () => {
    expect(planClaim(limits, { ...idle, inFlight: 60, busiestServer: 20, unrouted: 40 }, false)).toEqual({
      kind: "wait",
    });
  });

  it("waits for half a batch of room rather than claim a few at a time", () => {
    expect(planClaim(limits, { ...idle, inFlight: 80 }, true)).toEqual({ kind: "wait" });
    expect(planClaim(limits, { ...idle, inFlight: 75 }, false)).toEqual({
      kind: "claim",
      limit: 25,
      probe: false,
    });
  });

  it("stops claiming while the messages held weigh the byte budget", () => {
    const heavy = { ...idle, inFlight: 1, bytesInFlight: limits.maxBytesInFlight };
    expect(planClaim(limits, heavy, true)).toEqual({ kind: "wait" });
    // An idle worker always claims: one message over the budget must still go out.
    expect(planClaim(limits, { ...heavy, inFlight: 0 }, true).kind).toBe("claim");
  });

  it("probes the reserve for other servers' mail when one server holds its whole share", () => {
    const blocked = { ...idle, inFlight: 75, busiestServer: 75 };
    expect(planClaim(limits, blocked, false)).toEqual({ kind: "wait" });
    expect(planClaim(limits, blocked, true)).toEqual({ kind: "claim", limit: 25, probe: true });
    // No free slot: nothing to probe with.
    expect(planClaim(limits, { ...blocked, inFlight: 100 }, true)).toEqual({ kind: "wait" });
  });
});

describe("server shares", () => {
  it("gives a server at most its share and takes slots back", () => {
    const shares = new ServerShares(2);
    expect(shares.tryTake(1)).toBe(true);
    expect(shares.tryTake(1)).toBe(true);
    expect(shares.tryTake(1)).toBe(false);
    expect(shares.tryTake(2)).toBe(true);
    expect(shares.busiest()).toBe(2);
    shares.release(1);
    expect(shares.busiest()).toBe(1);
    expect(shares.tryTake(1)).toBe(true);
    shares.release(1);
    shares.release(1);
    shares.release(2);
    expect(shares.busiest()).toBe(0);
  });
});
