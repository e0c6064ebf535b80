import { afterEach, describe, expect, it } from "vitest";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { createAdmin } from "../../src/auth/admin.service.js";
import type { Config } from "../../src/config/config.js";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import { createTestContext, STORE_KINDS, type StoreKind, type TestContext } from "../helpers/context.js";

const EMAIL = "admin@exemple.fr";
const PASSWORD = "Facteur!Admin-2026";
const WRONG = "pas-le-bon-mot-de-passe";
const START = new Date("2026-05-04T08:00:00.000Z").getTime();

interface Rig {
  t: TestContext;
  app: FacteurApp;
  advance(ms: number): void;
  login(
    password: string,
    options?: { ip?: string; xff?: string; device?: string; email?: string },
  ): Promise<{ status: number; code?: string; retryAfter?: number; device?: string }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(kind: StoreKind, config: Partial<Config> = {}): Promise<Rig> {
  let clock = START;
  const t = await createTestContext(kind, { now: () => new Date(clock), config });
  const app = await buildApp(t.ctx);
  cleanups.push(async () => {
    await app.close();
    await t.dispose();
  });
  await createAdmin(t.ctx, EMAIL, PASSWORD);
  return {
    t,
    app,
    advance: (ms) => {
      clock += ms;
    },
    login: (password, options = {}) => loginOn(app, password, options),
  };
}

async function loginOn(
  app: FacteurApp,
  password: string,
  options: { ip?: string; xff?: string; device?: string; email?: string } = {},
) {
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: options.email ?? EMAIL, password },
    remoteAddress: options.ip ?? "203.0.113.10",
    headers: {
      ...(options.xff ? { "x-forwarded-for": options.xff } : {}),
      ...(options.device ? { cookie: `facteur_device=${options.device}` } : {}),
    },
  });
  const body = response.json() as { error?: { code: string } };
  const retry = response.headers["retry-after"];
  return {
    status: response.statusCode,
    ...(body.error ? { code: body.error.code } : {}),
    ...(retry !== undefined ? { retryAfter: Number(retry) } : {}),
    ...(() => {
      const device = response.cookies.find((c) => c.name === "facteur_device")?.value;
      return device ? { device } : {};
    })(),
  };
}

/** Failed guesses allowed in a row before the first refusal, from one client (stops at `max`). */
async function guessesBeforeRefusal(r: Rig, options: (i: number) => { ip?: string; xff?: string }, max = 40) {
  for (let i = 0; i < max; i += 1) {
    const answer = await r.login(WRONG, options(i));
    if (answer.status === 429) return i;
    expect(answer.status).toBe(401);
  }
  return max;
}

describe.each(STORE_KINDS)("login throttling on %s", (kind) => {
  it("never counts successes: 30 sign-ins in a row from one address all pass", async () => {
    const r = await rig(kind);
    for (let i = 0; i < 30; i += 1) expect((await r.login(PASSWORD)).status).toBe(200);
  });

  it("makes delays grow after repeated failures, answers 429 + Retry-After + code, even to the right password", async () => {
    const r = await rig(kind);
    expect(await guessesBeforeRefusal(r, () => ({}))).toBe(5);
    const refused = await r.login(PASSWORD);
    expect(refused).toMatchObject({ status: 429, code: "LOGIN_THROTTLED" });
    const waits: number[] = [refused.retryAfter!];
    for (let round = 0; round < 4; round += 1) {
      r.advance(waits[waits.length - 1]! * 1_000);
      expect((await r.login(WRONG)).status).toBe(401);
      const next = await r.login(WRONG);
      expect(next).toMatchObject({ status: 429, code: "LOGIN_THROTTLED" });
      waits.push(next.retryAfter!);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16]);
    const en = await r.app.inject({
      method: "POST",
      url: "/api/v1/auth/login?lang=en",
      payload: { email: EMAIL, password: PASSWORD },
      remoteAddress: "203.0.113.10",
    });
    expect(en.statusCode).toBe(429);
    expect((en.json() as { error: { message: string } }).error.message).toMatch(/Too many failed sign-in/);
    // After the wait the right password passes, and resets this client's counter for the account.
    r.advance(16_000);
    expect((await r.login(PASSWORD)).status).toBe(200);
    expect(await guessesBeforeRefusal(r, () => ({}))).toBe(5);
  });

  it("counts parallel attempts before checking them: a burst gets no more than the allowance", async () => {
    const r = await rig(kind);
    const answers = await Promise.all(Array.from({ length: 20 }, () => r.login(WRONG)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });

  it("an attacker hammering the admin account from X does not stop the admin signing in from Y", async () => {
    const r = await rig(kind);
    expect(await guessesBeforeRefusal(r, () => ({ ip: "198.51.100.66" }))).toBe(5);
    for (let i = 0; i < 30; i += 1) expect((await r.login(WRONG, { ip: "198.51.100.66" })).status).toBe(429);
    // A distributed attack too: 60 more addresses, 1 guess each, put the account "under attack".
    for (let i = 1; i <= 60; i += 1) await r.login(WRONG, { ip: `192.0.2.${i}` });
    expect((await r.login(WRONG, { ip: "192.0.2.1" })).status).toBe(429); // one guess per address now
    expect((await r.login(PASSWORD, { ip: "203.0.113.77" })).status).toBe(200);
  });

  it("lets a browser that signed in before through a lockout of the address it shares with the attacker", async () => {
    const r = await rig(kind);
    const first = await r.login(PASSWORD, { ip: "198.51.100.5" });
    expect(first.status).toBe(200);
    expect(first.device).toBeTruthy();
    // Same NAT / same untrusted proxy: the attacker exhausts the address for the admin account and others.
    expect(await guessesBeforeRefusal(r, () => ({ ip: "198.51.100.5" }))).toBe(5);
    for (let i = 0; i < 25; i += 1) await r.login(WRONG, { ip: "198.51.100.5", email: `x${i}@exemple.fr` });
    expect((await r.login(PASSWORD, { ip: "198.51.100.5" })).status).toBe(429);
    expect((await r.login(PASSWORD, { ip: "198.51.100.5", device: first.device! })).status).toBe(200);
    // A device cookie is bound to its account and cannot be made up.
    expect((await r.login(WRONG, { ip: "198.51.100.5", device: "forged" })).status).toBe(429);
  });

  it("shares counters between web processes on the same database", async () => {
    const r = await rig(kind);
    const other = await createContext(r.t.config, {
      logger: createLogger("silent"),
      now: () => r.t.ctx.now(),
      ...(r.t.pgSchema ? { pgSchema: r.t.pgSchema } : {}),
    });
    const otherApp = await buildApp(other);
    cleanups.push(async () => {
      await otherApp.close();
      await other.close();
    });
    for (let i = 0; i < 5; i += 1) expect((await loginOn(i % 2 ? otherApp : r.app, WRONG)).status).toBe(401);
    expect((await loginOn(otherApp, WRONG)).status).toBe(429);
    expect((await r.login(WRONG)).status).toBe(429);
  });

  describe("client address", () => {
    it("without a trusted proxy, rotating X-Forwarded-For gives no extra guess", async () => {
      const r = await rig(kind, { trustProxy: false });
      const guesses = await guessesBeforeRefusal(r, (i) => ({ xff: `10.9.${i}.1` }));
      expect(guesses).toBe(5);
    });

    it("with one trusted hop, only the address the proxy saw counts: client-written entries are ignored", async () => {
      const r = await rig(kind, { trustProxy: 1 });
      const proxy = "10.0.0.2";
      // The client sends its own X-Forwarded-For; the proxy appends the real peer (198.51.100.9).
      const guesses = await guessesBeforeRefusal(r, (i) => ({
        ip: proxy,
        xff: `1.2.3.${i}, 5.6.${i}.7, 198.51.100.9`,
      }));
      expect(guesses).toBe(5);
      // A different real client behind the same proxy is its own client: the admin gets in.
      expect((await r.login(PASSWORD, { ip: proxy, xff: "203.0.113.50" })).status).toBe(200);
    });

    it("with a CIDR list, X-Forwarded-For from a peer outside it is ignored", async () => {
      const r = await rig(kind, { trustProxy: ["10.0.0.0/8"] });
      const outsider = await guessesBeforeRefusal(r, (i) => ({ ip: "198.51.100.20", xff: `192.0.2.${i}` }));
      expect(outsider).toBe(5);
      // From the trusted proxy, distinct clients are distinct; a rotated left part still does not help.
      const viaProxy = await guessesBeforeRefusal(r, (i) => ({
        ip: "10.1.2.3",
        xff: `9.9.9.${i}, 203.0.113.8`,
      }));
      expect(viaProxy).toBe(5);
    });

    it("counts an IPv6 client by its /64", async () => {
      const r = await rig(kind);
      const guesses = await guessesBeforeRefusal(r, (i) => ({ ip: `2001:db8:1:2::${(i + 1).toString(16)}` }));
      expect(guesses).toBe(5);
      expect((await r.login(PASSWORD, { ip: "2001:db8:1:3::1" })).status).toBe(200);
    });
  });
});
