import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../../src/http/app.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { EXAMPLE_DOMAIN } from "../clients/fixtures.js";

/** The pre-rename paths (/api/v1/setup/…) answer for one release, as their successors do, marked deprecated. */
for (const kind of STORE_KINDS) {
  describe(`deprecated aliases on ${kind}`, () => {
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

    it("gives every alias the access requirement of its successor, and every old path one", () => {
      const routes = registeredRoutes(s.app);
      const aliases = routes.filter((route) => route.successor !== undefined);
      const oldPaths = aliases.map((route) => `${route.method} ${route.url}`);
      for (const path of ["GET /api/v1/setup/domains", "POST /api/v1/setup", "GET /api/v1/setup/status"])
        expect(oldPaths).toContain(path);
      for (const alias of aliases) {
        const successor = routes.find(
          (route) => route.method === alias.method && route.url === alias.successor && !route.successor,
        );
        expect(successor, `${alias.method} ${alias.url}`).toBeDefined();
        expect(alias.access, `${alias.method} ${alias.url}`).toBe(successor?.access);
      }
      // Only the moved prefixes have aliases; nothing else gained a second path.
      for (const alias of aliases) expect(alias.url).toMatch(/^\/api\/v1\/setup(\/|$)/);
    });

    it("answers the old path like the new one, with Deprecation and a Link to the successor", async () => {
      expect((await s.request("POST", "/api/v1/setup/domains", EXAMPLE_DOMAIN)).statusCode).toBe(201);
      const current = await s.request("GET", "/api/v1/clients/domains");
      const old = await s.request("GET", "/api/v1/setup/domains");
      expect(old.statusCode).toBe(200);
      expect(old.json()).toEqual(current.json());
      expect(current.headers.deprecation).toBeUndefined();
      expect(old.headers.deprecation).toMatch(/^@\d+$/);
      expect(old.headers.link).toBe('</api/v1/clients/domains>; rel="successor-version"');
      const status = await s.app.inject({ method: "GET", url: "/api/v1/setup/status" });
      expect(status.json()).toEqual(
        (await s.app.inject({ method: "GET", url: "/api/v1/first-run/status" })).json(),
      );
      expect(status.headers.link).toBe('</api/v1/first-run/status>; rel="successor-version"');
    });

    it("keeps the old private paths private", async () => {
      for (const url of [
        "/api/v1/setup/domains",
        "/api/v1/setup/guides",
        "/api/v1/setup/discover?email=a@b.fr",
      ]) {
        const anonymous = await s.app.inject({ method: "GET", url });
        expect(anonymous.statusCode, url).toBe(401);
      }
    });

    it("marks the old paths deprecated in the OpenAPI document", async () => {
      const doc = (await s.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json() as {
        paths: Record<string, Record<string, { deprecated?: boolean }>>;
      };
      expect(doc.paths["/api/v1/setup/domains"]?.get?.deprecated).toBe(true);
      expect(doc.paths["/api/v1/clients/domains"]?.get?.deprecated).toBeUndefined();
    });
  });
}
