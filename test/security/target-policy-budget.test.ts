import { afterEach, describe, expect, it } from "vitest";
import { bulkEventsAfter, startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { ConnectionBudget, RATE_WINDOW_MS } from "../../src/net/target-budget.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { countingSmtp, policyConfig, storeServer, type CountingListener } from "./target-policy-fixtures.js";

/**
 * Issue 13 item 6: "a bulk run scans 50 ports in 2 s with no limit". With loopback opened on every port
 * (so only the budgets stand between a caller and a port scan), a run over 50 ports of one host reaches at
 * most FACTEUR_TARGET_PORTS_PER_HOST (10) of them, single tests and bulk runs share that budget, and the
 * per-target and global rates hold for repeated tests.
 */
const OPEN_ANY_PORT = { FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*" }; // budgets left at their defaults
const DEFAULT_PORTS_PER_HOST = 10;

describe.each(STORE_KINDS)("connection budgets on %s", (store) => {
  let t: TestContext | undefined;
  let http: SignedInApp | undefined;
  const listeners: CountingListener[] = [];

  async function setUp(env: Record<string, string>): Promise<{ t: TestContext; http: SignedInApp }> {
    t = await createIsolatedTestContext(store, { config: policyConfig(env) });
    http = await signedInApp(t.ctx);
    return { t, http };
  }
  async function listen(count: number): Promise<CountingListener[]> {
    const started = await Promise.all(Array.from({ length: count }, () => countingSmtp()));
    listeners.push(...started);
    return started;
  }
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((l) => l.close()));
    await http?.app.close();
    await t?.dispose();
    t = undefined;
    http = undefined;
  });

  const adHoc = (app: SignedInApp, port: number, host = "127.0.0.1") =>
    app.request("POST", "/api/v1/diagnostics/test", {
      protocol: "smtp",
      host,
      port,
      security: "none",
      tryAlternatives: false,
    });
  const failureCode = (body: string) =>
    (JSON.parse(body) as { failure: { code: string } | null }).failure?.code;

  it("a bulk run over 50 ports of one host reaches at most 10 of them; the rest are refused as a port scan", async () => {
    const { t } = await setUp(OPEN_ANY_PORT);
    const ports = await listen(50);
    const ids = [];
    for (const l of ports) ids.push(await storeServer(t.ctx, "127.0.0.1", l.port));
    const { run, completion } = await startBulkRun(t.ctx, { serverIds: ids, concurrency: 50 });
    await completion;
    const reached = ports.filter((l) => l.accepted > 0).length;
    expect(reached).toBeLessThanOrEqual(DEFAULT_PORTS_PER_HOST);
    const events = await bulkEventsAfter(t.ctx, run.id, 0);
    expect(events).toHaveLength(50);
    const scans = events.filter((e) => e.code === "TARGET_PORT_SCAN_LIMITED").length;
    expect(scans).toBeGreaterThanOrEqual(50 - DEFAULT_PORTS_PER_HOST);
  });

  it("single tests and bulk runs share the distinct-port budget (no dodging one with the other)", async () => {
    const { t, http } = await setUp(OPEN_ANY_PORT);
    const ports = await listen(DEFAULT_PORTS_PER_HOST + 2);
    for (const l of ports.slice(0, DEFAULT_PORTS_PER_HOST)) {
      const response = await adHoc(http, l.port);
      expect(response.json<{ ok: boolean }>().ok, response.body).toBe(true);
    }
    const extra = ports[DEFAULT_PORTS_PER_HOST]!;
    const id = await storeServer(t.ctx, "127.0.0.1", extra.port);
    const { run, completion } = await startBulkRun(t.ctx, { serverIds: [id] });
    await completion;
    expect((await bulkEventsAfter(t.ctx, run.id, 0)).map((e) => e.code)).toEqual([
      "TARGET_PORT_SCAN_LIMITED",
    ]);
    expect(extra.accepted).toBe(0);
    const last = ports[DEFAULT_PORTS_PER_HOST + 1]!;
    expect(failureCode((await adHoc(http, last.port)).body)).toBe("TARGET_PORT_SCAN_LIMITED");
    expect(last.accepted).toBe(0);
    // A port already used stays open: the limit counts distinct ports, not tests.
    expect((await adHoc(http, ports[0]!.port)).json<{ ok: boolean }>().ok).toBe(true);
  });

  it("repeated tests of one address:port stop at FACTEUR_TARGET_RATE_PER_TARGET per minute", async () => {
    const { http } = await setUp({ ...OPEN_ANY_PORT, FACTEUR_TARGET_RATE_PER_TARGET: "3" });
    const [server] = await listen(1);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push(failureCode((await adHoc(http, server!.port)).body) ?? null);
    expect(server!.accepted).toBe(3);
    expect(codes).toEqual([null, null, null, "TARGET_RATE_LIMITED", "TARGET_RATE_LIMITED"]);
  });

  it("all targets together stop at FACTEUR_TARGET_RATE per minute", async () => {
    const { http } = await setUp({ ...OPEN_ANY_PORT, FACTEUR_TARGET_RATE: "4" });
    const ports = await listen(6);
    const codes = [];
    for (const l of ports) codes.push(failureCode((await adHoc(http, l.port)).body) ?? null);
    expect(ports.reduce((sum, l) => sum + l.accepted, 0)).toBe(4);
    expect(codes.slice(4)).toEqual(["TARGET_RATE_LIMITED", "TARGET_RATE_LIMITED"]);
  });

  // Red-team finding 5: the budgets were keyed by the address text, so each spelling of 127.0.0.1 got 10 fresh ports.
  it("other spellings of an address share its port-scan and per-target budgets", async () => {
    const { http } = await setUp({ ...OPEN_ANY_PORT, FACTEUR_TARGET_RATE_PER_TARGET: "12" });
    const spellings = ["::ffff:127.0.0.1", "0:0:0:0:0:ffff:7f00:1", "::ffff:7f00:0001", "::ffff:0:7f00:1"];
    const ports = await listen(DEFAULT_PORTS_PER_HOST + spellings.length);
    for (const l of ports.slice(0, DEFAULT_PORTS_PER_HOST))
      expect((await adHoc(http, l.port)).json<{ ok: boolean }>().ok).toBe(true);
    for (const [i, host] of spellings.entries()) {
      const l = ports[DEFAULT_PORTS_PER_HOST + i]!;
      expect(failureCode((await adHoc(http, l.port, host)).body), host).toBe("TARGET_PORT_SCAN_LIMITED");
      expect(l.accepted, host).toBe(0);
    }
    // Per target: 12 per minute for 127.0.0.1:port, whichever way it is written (1 used above). The translated
    // form (::ffff:0:…) is judged as 127.0.0.1 but a socket to it goes nowhere here: mapped spellings only.
    const mapped = spellings.slice(0, 3);
    const codes = [];
    for (let i = 0; i < 12; i++)
      codes.push(failureCode((await adHoc(http, ports[0]!.port, mapped[i % mapped.length])).body) ?? null);
    expect(codes.slice(0, 11)).toEqual(Array<null>(11).fill(null));
    expect(codes[11]).toBe("TARGET_RATE_LIMITED");
  });

  it("the default policy opens only the mail ports", async () => {
    const { http } = await setUp({ FACTEUR_TARGETS_ALLOW: "127.0.0.0/8" });
    const [server] = await listen(1);
    expect(failureCode((await adHoc(http, server!.port)).body)).toBe("TARGET_PORT_BLOCKED");
    expect(server!.accepted).toBe(0);
  });
});

describe("budget keys (red-team finding 5)", () => {
  it("counts every spelling of one address as that address, and IPv6 distinct ports per /64", () => {
    let now = 1_000_000;
    const budget = new ConnectionBudget({ perMinute: 0, perTargetPerMinute: 2, portsPerHost: 2 }, () => now);
    expect(budget.take("2620:fe::1", 25, true)).toBeNull();
    expect(budget.take("2620:FE:0:0:0:0:0:0001", 25, true)).toBeNull();
    expect(budget.take("2620:0fe::1", 25, true)).toMatchObject({ code: "TARGET_RATE_LIMITED" });
    expect(budget.take("2620:fe::2", 587, true)).toBeNull(); // second distinct port of the /64
    expect(budget.take("2620:fe::ffff:3", 465, true)).toMatchObject({ code: "TARGET_PORT_SCAN_LIMITED" });
    expect(budget.take("2620:fe:0:1::1", 465, true)).toBeNull(); // another /64
    expect(budget.take("9.9.9.9", 25, true)).toBeNull();
    expect(budget.take("2002:909:909::1", 25, true)).toBeNull(); // 6to4 of 9.9.9.9
    expect(budget.take("64:ff9b::9.9.9.9", 25, true)).toMatchObject({ code: "TARGET_RATE_LIMITED" });
    expect(budget.take("64:ff9b::909:909", 587, true)).toBeNull();
    expect(budget.take("::ffff:0:9.9.9.9", 465, true)).toMatchObject({ code: "TARGET_PORT_SCAN_LIMITED" });
    now += RATE_WINDOW_MS;
    expect(budget.take("::ffff:9.9.9.9", 25, true)).toBeNull();
  });
});
