import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyScope } from "../../src/auth/api-key-scopes.js";
import { registeredRoutes } from "../../src/http/app.js";
import type { RouteAccess } from "../../src/http/types.js";
import { STORE_KINDS, createTestContext, type TestContext } from "../helpers/context.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, signedInApp, withApiKey, type SignedInApp } from "../helpers/http.js";
import { isDenial, samplePath } from "./route-samples.js";

/** Who calls: nobody, API keys of each scope (and a combination), an admin session. */
type Caller = { label: string; scopes: ApiKeyScope[] | "none" | "session" };
const CALLERS: Caller[] = [
  { label: "no credentials", scopes: "none" },
  { label: "send key", scopes: ["send"] },
  { label: "read key", scopes: ["read"] },
  { label: "send+read key", scopes: ["send", "read"] },
  { label: "admin key", scopes: ["admin"] },
  { label: "admin session", scopes: "session" },
];

/** What each declared requirement lets through: the specification the matrix checks every route against. */
function allowed(access: RouteAccess, caller: Caller): boolean {
  if (access === "public") return true;
  if (caller.scopes === "none") return false;
  if (caller.scopes === "session") return true; // an admin session holds every scope
  if (access === "session") return false; // per-admin routes (preferences, logout) never take a key
  if (access === "authenticated") return true;
  return caller.scopes.includes("admin") || caller.scopes.includes(access);
}

/** A new admin session on the app: a request function sending its cookie and CSRF token. */
async function signIn(s: SignedInApp) {
  const login = await s.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === "facteur_session")?.value;
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  return (method: string, url: string, body?: unknown) =>
    s.app.inject({
      method: method as "GET",
      url,
      headers: { cookie: `facteur_session=${cookie}`, "x-csrf-token": csrf },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
}

const UNKNOWN_ID = 987_654; // the matrix checks the access decision; handlers then answer 404, no effect

describe.each(STORE_KINDS)("API key scopes on %s", (kind) => {
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

  it("allows or refuses every route × caller exactly as the route's declared access says", async () => {
    const keys = new Map<string, string>();
    for (const caller of CALLERS)
      if (Array.isArray(caller.scopes)) keys.set(caller.label, await s.keyWithScopes(...caller.scopes));
    const routes = registeredRoutes(s.app);
    expect(routes.length).toBeGreaterThan(40);
    const wrong: string[] = [];
    let session = await signIn(s);
    for (const route of routes) {
      const url = samplePath(route.url, UNKNOWN_ID);
      const body = ["GET", "HEAD", "DELETE"].includes(route.method) ? undefined : {};
      for (const caller of CALLERS) {
        const response =
          caller.scopes === "session"
            ? await session(route.method, url, body)
            : caller.scopes === "none"
              ? await s.app.inject({ method: route.method as "GET", url, ...(body ? { payload: body } : {}) })
              : await withApiKey(s.app, keys.get(caller.label)!)(route.method, url, body);
        // A HEAD answer has no body: its status alone says (it shares its GET's declaration and decision).
        const denied =
          route.method === "HEAD"
            ? response.statusCode === 401 || response.statusCode === 403
            : isDenial(response.statusCode, response.body);
        const expected = allowed(route.access, caller);
        if (denied === expected)
          wrong.push(
            `${route.method} ${route.url} (${route.access}) as ${caller.label} → ${response.statusCode} ${response.body.slice(0, 80)}`,
          );
        else if (denied && route.method !== "HEAD") {
          // Refusals say why: no credentials → 401, a key without the scope → 403 with a code naming scopes.
          const code = (response.json() as { error: { code: string } }).error.code;
          const expectedCode =
            caller.scopes === "none"
              ? "UNAUTHENTICATED"
              : route.access === "session"
                ? "FORBIDDEN"
                : "API_KEY_SCOPE_MISSING";
          if (code !== expectedCode)
            wrong.push(`${route.method} ${route.url} as ${caller.label}: ${code}, expected ${expectedCode}`);
        }
        if (route.url === "/api/v1/auth/logout" && caller.scopes === "session") session = await signIn(s); // a fresh session after signing out
      }
    }
    expect(wrong).toEqual([]);
  });

  it("lets only an admin-scoped key create or revoke keys, and shows scopes in the listing", async () => {
    const count = async () => (await t.ctx.db.selectFrom("api_keys").select("id").execute()).length;
    const adminKeyId = (
      (await s.request("GET", "/api/v1/api-keys")).json() as { items: Array<{ id: number; name: string }> }
    ).items.find((k) => k.name === "tests")!.id;
    for (const scopes of [["send"], ["read"], ["send", "read"]] as ApiKeyScope[][]) {
      const call = withApiKey(s.app, await s.keyWithScopes(...scopes));
      const before = await count();
      const created = await call("POST", "/api/v1/api-keys", { name: "escalate", scopes: ["admin"] });
      expect(created.statusCode, scopes.join()).toBe(403);
      expect((await call("DELETE", `/api/v1/api-keys/${adminKeyId}`)).statusCode).toBe(403);
      expect((await call("GET", "/api/v1/api-keys")).statusCode).toBe(403);
      expect(await count()).toBe(before);
    }
    const admin = withApiKey(s.app, s.apiKey);
    const created = await admin("POST", "/api/v1/api-keys", { name: "erp", scopes: ["read", "send"] });
    expect(created.statusCode).toBe(201);
    expect(created.json().apiKey.scopes).toEqual(["send", "read"]);
    const plain = await s.request("POST", "/api/v1/api-keys", { name: "defaut" });
    expect(plain.json().apiKey.scopes).toEqual(["send"]); // the default
    for (const scopes of [[], ["root"], ["send", "send"], "admin"])
      expect((await s.request("POST", "/api/v1/api-keys", { name: "x", scopes })).statusCode).toBe(422);
    const listed = (await s.request("GET", "/api/v1/api-keys")).json().items as Array<{
      name: string;
      scopes: string[];
    }>;
    expect(listed.find((k) => k.name === "erp")?.scopes).toEqual(["send", "read"]);
    expect(listed.find((k) => k.name === "tests")?.scopes).toEqual(["admin"]);
  });

  it("keeps a send key to sending and following messages: no registry, export, diagnostics or keys", async () => {
    const send = withApiKey(s.app, await s.keyWithScopes("send"));
    const read = withApiKey(s.app, await s.keyWithScopes("read"));
    const servers = async () => (await t.ctx.db.selectFrom("smtp_servers").select("id").execute()).length;
    const before = await servers();
    expect((await send("GET", "/api/v1/messages")).statusCode).toBe(200);
    for (const [method, url] of [
      ["GET", "/api/v1/servers"],
      ["GET", "/api/v1/servers/export.csv"],
      ["POST", "/api/v1/diagnostics/test"],
      ["POST", "/api/v1/servers"],
    ] as const)
      expect((await send(method, url, method === "POST" ? {} : undefined)).statusCode, url).toBe(403);
    // A read key reads the registry but changes nothing and tests nothing.
    expect((await read("GET", "/api/v1/servers")).statusCode).toBe(200);
    expect((await read("GET", "/api/v1/servers/export.csv")).statusCode).toBe(200);
    expect((await read("POST", "/api/v1/servers", { title: "x" })).statusCode).toBe(403);
    expect((await read("POST", "/api/v1/diagnostics/test", {})).statusCode).toBe(403);
    expect((await read("POST", "/api/v1/messages", {})).statusCode).toBe(403);
    expect(await servers()).toBe(before);
  });
});
