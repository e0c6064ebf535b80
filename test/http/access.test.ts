import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { declaredAccess } from "../../src/http/auth-hook.js";
import { buildApp, registeredRoutes } from "../../src/http/app.js";
import { isApiPath, WEB_DIST } from "../../src/http/routes/ui.js";
import { ROUTE_ACCESS, type FacteurApp } from "../../src/http/types.js";
import { createTestContext, type TestContext } from "../helpers/context.js";
import { isDenial, mainRoutes, samplePath } from "../security/route-samples.js";

/**
 * The routes anyone may call, exactly. Making another route public is a conscious decision: add it here, with
 * the reason in docs/ARCHITECTURE.md ("Access decisions").
 */
const EXPECTED_PUBLIC = [
  "GET /",
  "GET /.well-known/autoconfig/mail/config-v1.1.xml",
  "GET /api/v1/openapi.json",
  "GET /api/v1/first-run/status",
  "GET /api/v1/setup/status", // deprecated alias of first-run/status, for one release
  "POST /api/v1/setup", // deprecated alias of first-run, for one release
  "GET /confirm/:token",
  "GET /health",
  "GET /mail/config-v1.1.xml",
  "GET /mobileconfig",
  "GET /ready",
  "POST /AutoDiscover/AutoDiscover.xml",
  "POST /Autodiscover/Autodiscover.xml",
  "POST /api/v1/auth/login",
  "POST /api/v1/first-run",
  "POST /autodiscover/autodiscover.xml",
  "POST /confirm/:token",
  "PUT /api/v1/auth/lang",
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

  it("declares an access requirement on every route, and only the expected ones are public", () => {
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(40);
    for (const route of routes) expect(ROUTE_ACCESS, `${route.method} ${route.url}`).toContain(route.access);
    const publicRoutes = mainRoutes(routes)
      .filter((route) => route.access === "public")
      .map((route) => `${route.method} ${route.url}`)
      .sort();
    // The UI build adds its catch-all (`GET /*`) in place of `GET /`.
    expect(publicRoutes.filter((r) => r !== "GET /*")).toEqual(
      EXPECTED_PUBLIC.filter((r) => !(r === "GET /" && publicRoutes.includes("GET /*"))).sort(),
    );
  });

  it("refuses to register a route that declares no access requirement (fail closed)", async () => {
    const bare = Fastify();
    bare.addHook("onRoute", (route) => void declaredAccess(route));
    try {
      expect(() => bare.get("/api/v1/undeclared", async () => ({ leaked: true }))).toThrow(/config\.access/);
      expect(() =>
        bare.post("/api/v1/typo", { config: { access: "pubic" as "public" } }, async () => ({})),
      ).toThrow(/config\.access/);
      expect(() => bare.get("/ok", { config: { access: "read" } }, async () => ({}))).not.toThrow();
    } finally {
      await bare.close();
    }
  });

  it("refuses every non-public route without a session or API key, whatever its path says", async () => {
    const routes = mainRoutes(registeredRoutes(app)).filter((route) => route.access !== "public");
    expect(routes.length).toBeGreaterThan(30);
    const leaks: string[] = [];
    for (const route of routes) {
      const response = await app.inject({
        method: route.method as "GET",
        url: samplePath(route.url),
        payload: route.method === "GET" || route.method === "DELETE" ? undefined : {},
      });
      if (response.statusCode !== 401 || !isDenial(response.statusCode, response.body))
        leaks.push(`${route.method} ${route.url} → ${response.statusCode}`);
    }
    expect(leaks).toEqual([]);
  });

  it("answers a path that matches no route with a plain 404, /api or not, encoded or not", async () => {
    for (const url of [
      "/api/v1/nothing",
      "/%61pi/v1/nothing",
      "/API/v1/servers",
      "/api/v1/servers/",
      "//api/v1/servers",
      "/api/v1/servers;x=1",
    ]) {
      const response = await app.inject({ method: "POST", url, payload: {} });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code, url).toBe("NOT_FOUND");
    }
  });

  it("keeps every spelling of /api out of the UI shell (the built UI's catch-all answers 404 for them)", () => {
    for (const path of [
      "api",
      "API/v1/servers",
      "/api/v1",
      "./api/v1",
      "x/../api;x=1",
      "api%2Fv1",
      "..\\api",
    ])
      expect(isApiPath(path), path).toBe(true);
    for (const path of ["", "servers", "apis", "assets/index.js", "departments"])
      expect(isApiPath(path), path).toBe(false);
  });

  it("serves the UI shell only for client-side routes and built files, anything else is a 404", async () => {
    const get = async (url: string) => (await app.inject({ url })).statusCode;
    expect(await get("/")).toBe(200);
    if (!existsSync(join(WEB_DIST, "index.html"))) return; // UI not built: only `/` (a plain text notice)
    const asset = readdirSync(join(WEB_DIST, "assets"))[0]!;
    for (const url of ["/departments", "/keys", "/messages?status=sent", `/assets/${asset}`])
      expect(await get(url), url).toBe(200);
    // (Dot segments are covered at the raw socket: inject resolves them before sending.)
    for (const url of ["/Departments", "/keys/", "/keys;x", "/%6Beys%00", "/API/v1"])
      expect(await get(url), url).toBe(404);
  });

  it("states each route's requirement in the OpenAPI document", async () => {
    const doc = (await app.inject({ url: "/api/v1/openapi.json" })).json() as {
      paths: Record<string, Record<string, { security?: unknown }>>;
    };
    expect(doc.paths["/api/v1/api-keys"]?.post?.security).toEqual([{ session: [] }, { apiKey: ["admin"] }]);
    expect(doc.paths["/api/v1/messages"]?.post?.security).toEqual([{ session: [] }, { apiKey: ["send"] }]);
    expect(doc.paths["/api/v1/servers"]?.get?.security).toEqual([{ session: [] }, { apiKey: ["read"] }]);
    expect(doc.paths["/health"]?.get?.security).toEqual([]);
  });
});
