import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, registeredRoutes } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import { createTestContext, type TestContext } from "../helpers/context.js";

/**
 * Walks every registered route without credentials. Only these may answer something other than 401:
 * health/readiness, login/logout/setup/lang, the OpenAPI document, autoconfig for mail clients,
 * confirmation links and the UI shell. Anything else that answers anonymously is a hole.
 */
const PUBLIC_ALLOWED: RegExp[] = [
  /^\/health$/,
  /^\/ready$/,
  /^\/api\/v1\/openapi\.json$/,
  /^\/api\/v1\/setup$/,
  /^\/api\/v1\/setup\/status$/,
  /^\/api\/v1\/auth\/(login|logout|lang)$/,
  /^\/\.well-known\/autoconfig\/mail\/config-v1\.1\.xml$/,
  /^\/mail\/config-v1\.1\.xml$/,
  /^\/autodiscover\/autodiscover\.xml$/i,
  /^\/(api\/v1\/)?(setup\/)?.*mobileconfig/,
  /^\/confirm(\/|$)/,
  /^\/api\/v1\/confirm(ations)?(\/|$)/,
  /^\/$/,
  /^\/\*$/,
  /^\/assets\//,
  /^\/[\w.-]+\.(html|js|css|svg|png|ico|webmanifest|txt|woff2?)$/,
  /^\/guides?\//,
];

describe("access control over every route", () => {
  let t: TestContext;
  let app: FacteurApp;
  beforeAll(async () => {
    t = await createTestContext("sqlite");
    app = await buildApp(t.ctx);
  });
  afterAll(async () => {
    await app.close();
    await t.dispose();
  });

  it("refuses every non-public /api route without a session or API key", async () => {
    const routes = registeredRoutes(app).filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS");
    expect(routes.length).toBeGreaterThan(15);
    const leaks: string[] = [];
    for (const route of routes) {
      const url = route.url
        .replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? "1" : "x"))
        .replace("*", "x");
      const response = await app.inject({
        method: route.method as "GET",
        url,
        payload: route.method === "GET" ? undefined : {},
      });
      const allowed = PUBLIC_ALLOWED.some((re) => re.test(route.url));
      if (response.statusCode !== 401 && !allowed)
        leaks.push(`${route.method} ${route.url} → ${response.statusCode}`);
      if (route.url.startsWith("/api/") && !allowed) expect(route.public, route.url).not.toBe(true);
    }
    expect(leaks).toEqual([]);
  });
});
