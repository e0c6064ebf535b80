import { afterEach, describe, expect, it } from "vitest";
import { createAdmin, createApiKey } from "../../src/auth/admin.service.js";
import { loadConfig, type Config } from "../../src/config/config.js";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import { createTestContext, STORE_KINDS, type StoreKind, type TestContext } from "../helpers/context.js";

const EMAIL = "admin@exemple.fr";
const PASSWORD = "Facteur!Admin-2026";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(
  kind: StoreKind,
  config: Partial<Config> = {},
): Promise<{ t: TestContext; app: FacteurApp }> {
  const t = await createTestContext(kind, { config });
  const app = await buildApp(t.ctx);
  cleanups.push(async () => {
    await app.close();
    await t.dispose();
  });
  await createAdmin(t.ctx, EMAIL, PASSWORD);
  return { t, app };
}

async function login(app: FacteurApp) {
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: EMAIL, password: PASSWORD },
  });
  const cookie = response.cookies.find((c) => c.name === "facteur_session");
  return { response, cookie, csrf: (response.json() as { csrfToken?: string }).csrfToken ?? "" };
}

describe.each(STORE_KINDS)("session hardening on %s", (kind) => {
  it("logout needs a session and its CSRF token; a cross-site or anonymous logout does nothing", async () => {
    const { t, app } = await rig(kind);
    const { cookie, csrf } = await login(app);
    const sessionCookie = `facteur_session=${cookie!.value}`;
    const logout = (headers: Record<string, string>) =>
      app.inject({ method: "POST", url: "/api/v1/auth/logout", headers });
    const stillSignedIn = async () =>
      (await app.inject({ method: "GET", url: "/api/v1/servers", headers: { cookie: sessionCookie } }))
        .statusCode === 200;

    const anonymous = await logout({});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe("UNAUTHENTICATED");
    const forged = await logout({ cookie: sessionCookie });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().error.code).toBe("CSRF_INVALID");
    expect(await stillSignedIn()).toBe(true);
    const wrongToken = await logout({ cookie: sessionCookie, "x-csrf-token": "x".repeat(csrf.length) });
    expect(wrongToken.statusCode).toBe(403);
    expect(await stillSignedIn()).toBe(true);
    const { key } = await createApiKey(t.ctx, "outil");
    const withKey = await logout({ authorization: `Bearer ${key}` });
    expect([401, 403]).toContain(withKey.statusCode);
    expect(await stillSignedIn()).toBe(true);

    const real = await logout({ cookie: sessionCookie, "x-csrf-token": csrf });
    expect(real.statusCode).toBe(204);
    expect(await stillSignedIn()).toBe(false);
  });

  it("accepts a fractional FACTEUR_SESSION_TTL_HOURS: login works, cookie and session last 20 minutes", async () => {
    // 0.3333 h = 1199.88 s: not a whole number of seconds (Max-Age must be one).
    const { app } = await rig(kind, { sessionTtlHours: 0.3333 });
    const { response, cookie } = await login(app);
    expect(response.statusCode).toBe(200);
    expect(cookie?.maxAge).toBe(1_199);
    const { expiresAt } = response.json() as { expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(1_190_000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(1_200_000);
  });

  it("marks the session cookie Secure by itself when FACTEUR_PUBLIC_URL is https", async () => {
    const https = await rig(kind, { publicUrl: "https://facteur.exemple.fr" });
    expect(https.t.ctx.config.secureCookies).toBe(true);
    expect((await login(https.app)).cookie?.secure).toBe(true);
    const plain = await rig(kind, { publicUrl: "http://127.0.0.1:8787" });
    expect((await login(plain.app)).cookie?.secure).toBeFalsy();
  });
});

describe("configuration of sessions and proxies", () => {
  const env = (extra: Record<string, string>) => ({ FACTEUR_DATA_DIR: "/tmp/facteur-config-test", ...extra });

  it("refuses a session lifetime that is not a usable number of hours, with the key named", () => {
    for (const value of ["abc", "0", "-1", "Infinity", "1e9", "0.001"])
      expect(() => loadConfig(env({ FACTEUR_SESSION_TTL_HOURS: value })), value).toThrow(/sessionTtlHours/);
    expect(loadConfig(env({ FACTEUR_SESSION_TTL_HOURS: "0.25" })).sessionTtlHours).toBe(0.25);
  });

  it("reads FACTEUR_TRUST_PROXY as off, a hop count or a list of proxies, and stops on anything else", () => {
    const read = (value: string) => loadConfig(env({ FACTEUR_TRUST_PROXY: value })).trustProxy;
    expect(loadConfig(env({})).trustProxy).toBe(false);
    expect(read("off")).toBe(false);
    expect(read("on")).toEqual(["loopback"]);
    expect(read("2")).toBe(2);
    expect(read("10.0.0.0/8, 192.168.1.5,loopback")).toEqual(["10.0.0.0/8", "192.168.1.5", "loopback"]);
    expect(read("fd00::/8")).toEqual(["fd00::/8"]);
    for (const bad of [
      "*",
      "all",
      "99",
      "10.0.0.0/33",
      "10.0.0",
      "proxy.exemple.fr",
      "on,off",
      "1.2.3.4/8/1",
    ])
      expect(() => read(bad), bad).toThrow(/FACTEUR_TRUST_PROXY/);
  });
});
