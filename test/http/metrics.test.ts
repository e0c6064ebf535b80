import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";

describe.each(STORE_KINDS)("metrics on %s", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  beforeAll(async () => {
    t = await createTestContext(kind);
    s = await signedInApp(t.ctx);
  });
  afterAll(async () => {
    await s.app.close();
    await t.dispose();
  });

  it("exposes registry gauges and request counters in Prometheus format to API keys only", async () => {
    await s.request("POST", "/api/v1/servers", serverBody());
    expect((await s.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
    const response = await s.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${s.apiKey}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    expect(response.body).toContain('facteur_smtp_servers{state="unconfirmed"} 1');
    expect(response.body).toMatch(
      /facteur_http_requests_total\{method="POST",route="\/api\/v1\/servers",status="2xx"\} \d+/,
    );
  });
});
