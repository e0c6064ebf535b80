import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { registeredRoutes } from "../../src/http/app.js";
import { targetPolicy } from "../../src/net/target-policy.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, withApiKey, type SignedInApp } from "../helpers/http.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { mainRoutes, samplePath } from "./route-samples.js";
import { countingRaw, countingSmtp, policyConfig, type CountingListener } from "./target-policy-fixtures.js";

/**
 * Red-team finding 4: a `read` key made Facteur open outbound https connections (the guide route ran the
 * autoconfig fetch of discovery for any address). Only callers allowed to make Facteur reach out (admin) may
 * trigger a connection: here loopback is open (the test suite's settings), a listener waits on 127.0.0.1:443
 * (the autoconfig port; the tests run as root) and another on an SMTP port, and every route a read or send key
 * (or anyone) can call is called with inputs naming them. Neither listener may see a connection, and the
 * target policy — which every outbound connection goes through — may not even be asked.
 */
const TARGET = "127.0.0.1";
const EMAIL = `a@${TARGET}`;
const POLICY_METHODS = ["admit", "resolve", "connect", "lookupFor", "decide"] as const;

describe.each(STORE_KINDS)("who may make Facteur connect out, on %s", (store) => {
  let t: TestContext;
  let http: SignedInApp;
  let https: CountingListener;
  let smtp: CountingListener;
  let policyCalls: () => number;

  beforeAll(async () => {
    t = await createIsolatedTestContext(store, { config: policyConfig({ ...LOOPBACK_TARGETS_ENV }) });
    http = await signedInApp(t.ctx);
    https = await countingRaw(null, true, TARGET, 443);
    smtp = await countingSmtp(TARGET);
    const policy = targetPolicy(t.ctx);
    const spies = POLICY_METHODS.map((name) => vi.spyOn(policy, name));
    policyCalls = () => spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await https.close();
    await smtp.close();
    await http.app.close();
    await t.dispose();
  });
  afterEach(() => vi.clearAllMocks());

  const guide = `/api/v1/clients/guides/thunderbird?email=${encodeURIComponent(EMAIL)}`;

  it("a read key's guide uses no network: zero connections, the policy is never asked", async () => {
    const key = await http.keyWithScopes("read");
    const response = await withApiKey(http.app, key)("GET", guide);
    expect(response.statusCode, response.body).toBeLessThan(500);
    expect(https.accepted).toBe(0);
    expect(policyCalls()).toBe(0);
  });

  it("an admin's guide still runs discovery (the listener sees the autoconfig fetch)", async () => {
    const before = https.accepted;
    const response = await http.request("GET", guide);
    expect(response.statusCode, response.body).toBeLessThan(500);
    expect(https.accepted).toBeGreaterThan(before);
    expect(policyCalls()).toBeGreaterThan(0);
  });

  it("no route a read/send key or anyone can call opens an outbound connection", async () => {
    const key = await http.keyWithScopes("read", "send");
    const call = withApiKey(http.app, key);
    const fields = {
      email: EMAIL,
      emailaddress: EMAIL,
      to: EMAIL,
      from: EMAIL,
      host: TARGET,
      domain: TARGET,
      server: TARGET,
      url: `https://${TARGET}/`,
      port: String(smtp.port),
      protocol: "smtp",
      security: "none",
      probe: "true",
    };
    const query = new URLSearchParams(fields).toString();
    const body = { ...fields, port: smtp.port, subject: "x", text: "x", tryAlternatives: true };
    const routes = mainRoutes(registeredRoutes(http.app)).filter((r) =>
      ["public", "authenticated", "read", "send"].includes(r.access),
    );
    expect(routes.map((r) => `${r.method} ${r.url}`)).toContain("GET /api/v1/clients/guides/:client");
    const reached: string[] = [];
    for (const route of routes) {
      const before = { calls: policyCalls(), https: https.accepted, smtp: smtp.accepted };
      const url = `${samplePath(route.url)}?${query}`;
      const response = await call(route.method, url, route.method === "GET" ? undefined : body);
      expect(response.statusCode, `${route.method} ${route.url}`).toBeLessThan(500);
      if (policyCalls() !== before.calls || https.accepted !== before.https || smtp.accepted !== before.smtp)
        reached.push(`${route.method} ${route.url}`);
    }
    expect(reached).toEqual([]);
    expect(routes.length).toBeGreaterThan(10);
  });
});
