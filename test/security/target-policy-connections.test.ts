import type { LightMyRequestResponse } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bulkEventsAfter, startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { ALL_MESSAGES, getMessage } from "../../src/sending/message-view.service.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { discoverSettings } from "../../src/clients/discovery/discover.js";
import { createMailResolver } from "../../src/clients/discovery/dns.js";
import { discoveryDeps } from "../../src/clients/discovery/deps.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { startDnsServer } from "../clients/servers.js";
import {
  countingRaw,
  countingSmtp,
  hostInterfaceAddresses,
  policyConfig,
  REFUSAL_CODES,
  storeServer,
  type CountingListener,
} from "./target-policy-fixtures.js";

/**
 * Issue 13 item 6: every kind of outbound connection goes through one target policy. For each kind (the list
 * is src/net/target-policy.ts CONNECTION_KINDS; a kind without a scenario here fails the first test), the
 * default policy refuses loopback — as an address, as a name that resolves to it, as IPv4-mapped IPv6 —
 * and the listener on 127.0.0.1 counts that no TCP connection reached it; FACTEUR_TARGETS_ALLOW opens it.
 */

interface Env {
  t: TestContext;
  http: SignedInApp;
  listener: CountingListener;
}

/** The code the attempt ended with: a refusal code, another failure code, or null when it succeeded. */
type Scenario = (env: Env, host: string) => Promise<string | null>;

const API_CLIENT = { kind: "cli" as const };
const DISCOVERY_DOMAIN = "loop.test"; // imap./smtp./mail.loop.test resolve to 127.0.0.1 (dns2 below)
const SELF_DOMAIN = "self.test"; // imap./smtp./mail.self.test resolve to this host's first interface IPv4
const HOST = hostInterfaceAddresses();
let dnsServer = "";

function codeOf(response: LightMyRequestResponse): string | null {
  const body = response.json() as {
    ok?: boolean;
    failure?: { code: string } | null;
    error?: { code: string };
  };
  if (response.statusCode === 200) return body.ok === false ? (body.failure?.code ?? "FAILED") : null;
  return body.error?.code ?? `HTTP_${response.statusCode}`;
}

const adHoc =
  (protocol: "smtp" | "imap" | "pop3"): Scenario =>
  async ({ http, listener }, host) =>
    codeOf(
      await http.request("POST", "/api/v1/diagnostics/test", {
        protocol,
        host,
        port: listener.port,
        security: "none",
        tryAlternatives: false,
      }),
    );

async function stored(env: Env, host: string): Promise<number | string> {
  try {
    return await storeServer(env.t.ctx, host, env.listener.port);
  } catch (error) {
    return (error as { code?: string }).code ?? "INPUT_REFUSED";
  }
}

const SCENARIOS: Record<string, { listener: "smtp" | "imap" | "pop3" | "raw"; run: Scenario }> = {
  diagnostics: { listener: "smtp", run: adHoc("smtp") },
  "server-test": {
    listener: "smtp",
    run: async (env, host) => {
      const id = await stored(env, host);
      if (typeof id === "string") return id;
      return codeOf(await env.http.request("POST", `/api/v1/servers/${id}/test`, {}));
    },
  },
  bulk: {
    listener: "smtp",
    run: async (env, host) => {
      const id = await stored(env, host);
      if (typeof id === "string") return id;
      const { run, completion } = await startBulkRun(env.t.ctx, { serverIds: [id] });
      await completion;
      const [event] = await bulkEventsAfter(env.t.ctx, run.id, 0);
      return event!.ok ? null : event!.code;
    },
  },
  confirmation: {
    listener: "smtp",
    run: async (env, host) => {
      const id = await stored(env, host);
      if (typeof id === "string") return id;
      const response = await env.http.request("POST", `/api/v1/servers/${id}/confirmation`);
      return response.statusCode === 200 ? null : codeOf(response);
    },
  },
  sending: {
    listener: "smtp",
    run: async (env, host) => {
      // Only this target may carry the message (servers stored by earlier tests would take it otherwise).
      await env.t.ctx.db.deleteFrom("smtp_servers").execute();
      const id = await stored(env, host);
      if (typeof id === "string") return id;
      const queued = await enqueueMessage(
        env.t.ctx,
        { to: "client@exemple.fr", subject: "Politique", text: "x" },
        API_CLIENT,
      );
      const worker = new OutboxWorker(env.t.ctx, { backoffBaseMs: 0, config: { sendUnconfirmed: false } });
      await worker.drain();
      worker.close();
      const message = await getMessage(env.t.ctx, queued.id, ALL_MESSAGES);
      return message.status === "sent" ? null : (message.attempts[0]?.errorCode ?? message.status);
    },
  },
  "discovery-probe": {
    listener: "raw",
    run: async ({ t, listener }, host) => {
      const deps = discoveryDeps(t.ctx, { probe: true, resolver: createMailResolver([dnsServer]) });
      const p = listener.port;
      const portMap = { 993: p, 143: p, 995: p, 110: p, 465: p, 587: p };
      const domain = host !== undefined && HOST.v4.includes(host) ? SELF_DOMAIN : DISCOVERY_DOMAIN;
      const result = await discoverSettings(`x@${domain}`, {
        ...deps,
        autoconfigUrls: () => [],
        probe: { ...deps.probe!, enabled: true, portMap },
      });
      // pop.loop.test has no address; every other candidate resolves to 127.0.0.1.
      const outcomes = result.probes.map((a) => a.outcome).filter((o) => o !== "no-address");
      if (outcomes.length === 0) return "NO_ADDRESS";
      if (outcomes.every((o) => o === "forbidden-address")) return "TARGET_BLOCKED";
      return outcomes.some((o) => o === "rate-limited") ? "TARGET_RATE_LIMITED" : null;
    },
  },
  "discovery-fetch": {
    listener: "raw",
    run: async ({ t, listener }, host) => {
      const { fetch } = discoveryDeps(t.ctx);
      const bracketed = host.includes(":") ? `[${host}]` : host;
      try {
        await fetch(`https://${bracketed}:${listener.port}/mail/config-v1.1.xml`, {
          signal: AbortSignal.timeout(3_000),
          redirect: "error",
        });
        return null;
      } catch (error) {
        const code = (error as { code?: string }).code;
        return code && REFUSAL_CODES.includes(code) ? code : "CONNECTED_THEN_FAILED";
      }
    },
  },
};

const LOOPBACK_SPELLINGS = {
  address: "127.0.0.1",
  "name resolving to loopback": "localhost",
  "IPv4-mapped IPv6": "::ffff:127.0.0.1",
} as const;

beforeAll(async () => {
  const zone = Object.fromEntries(
    ["imap", "smtp", "mail"].flatMap((p) => [
      [`${p}.${DISCOVERY_DOMAIN}`, [{ type: "A" as const, address: "127.0.0.1" }]],
      ...(HOST.v4[0] ? [[`${p}.${SELF_DOMAIN}`, [{ type: "A" as const, address: HOST.v4[0] }]]] : []),
    ]),
  );
  const dns = await startDnsServer(zone);
  dnsServer = dns.server;
  closeDns = () => dns.close();
});
let closeDns: () => Promise<void> = async () => {};
afterAll(() => closeDns());

it("has a scenario for every connection kind of the target policy", async () => {
  const { CONNECTION_KIND_NAMES } = (await import("../../src/net/target-policy.js")) as {
    CONNECTION_KIND_NAMES: string[];
  };
  expect(Object.keys(SCENARIOS).sort()).toEqual([...CONNECTION_KIND_NAMES].sort());
});

describe.each(STORE_KINDS)("target policy on %s", (store) => {
  // One context per policy and store, shared by the tests (an admin session costs an Argon2 hash): refusals
  // happen before any budget is taken, and the open context has no budget (test/helpers/targets.ts).
  const contexts: Record<"closed" | "open", { t: TestContext; http: SignedInApp } | undefined> = {
    closed: undefined,
    open: undefined,
  };
  let listener: CountingListener | undefined;

  beforeAll(async () => {
    for (const [name, targetEnv] of [
      ["closed", {}],
      ["open", { ...LOOPBACK_TARGETS_ENV }],
    ] as const) {
      const t = await createIsolatedTestContext(store, { config: policyConfig(targetEnv) });
      contexts[name] = { t, http: await signedInApp(t.ctx) };
    }
  });
  afterAll(async () => {
    for (const c of Object.values(contexts)) {
      await c?.http.app.close();
      await c?.t.dispose();
    }
  });
  afterEach(async () => {
    await listener?.close();
    listener = undefined;
  });

  async function setUp(policy: "closed" | "open", which: string): Promise<Env> {
    listener =
      which === "smtp"
        ? await countingSmtp()
        : await countingRaw(which === "imap" ? "* OK ready\r\n" : which === "pop3" ? "+OK ready\r\n" : null);
    return { ...contexts[policy]!, listener };
  }

  describe.each(Object.entries(LOOPBACK_SPELLINGS))("loopback as %s (%s)", (_label, host) => {
    it.each(Object.keys(SCENARIOS))(
      "%s: refused by default, no connection reaches the listener",
      async (kind) => {
        const e = await setUp("closed", SCENARIOS[kind]!.listener);
        const code = await SCENARIOS[kind]!.run(e, host);
        expect(e.listener.accepted, `${kind} ${host}: ${code}`).toBe(0);
        expect(REFUSAL_CODES, `${kind} ${host}`).toContain(code);
      },
    );
  });

  // Red-team finding 3: a service bound to 0.0.0.0 / :: on the Facteur host answers on the host's own interface
  // addresses (here eth0's) as on 127.0.0.1. With the test suite's own settings (loopback opened, budgets off)
  // and every port allowed, so only the address decision stands between the caller and the listener.
  describe.each([...HOST.v4, ...HOST.v6])("this host's interface address %s", (host) => {
    let suite: { t: TestContext; http: SignedInApp } | undefined;
    beforeAll(async () => {
      const env = { ...LOOPBACK_TARGETS_ENV, FACTEUR_TARGET_PORTS: "*" };
      const t = await createIsolatedTestContext(store, { config: policyConfig(env) });
      suite = { t, http: await signedInApp(t.ctx) };
    });
    afterAll(async () => {
      await suite?.http.app.close();
      await suite?.t.dispose();
    });
    const kinds = Object.keys(SCENARIOS).filter((k) => k !== "discovery-probe" || HOST.v4.includes(host));
    it.each(kinds)("%s: refused as loopback, no connection reaches a listener on ::", async (kind) => {
      // discovery-fetch's port is fixed (443): its listener takes that port (the tests run as root).
      listener =
        SCENARIOS[kind]!.listener === "smtp"
          ? await countingSmtp("::")
          : await countingRaw(null, true, "::", kind === "discovery-fetch" ? 443 : 0);
      const code = await SCENARIOS[kind]!.run({ ...suite!, listener }, host);
      expect(listener.accepted, `${kind} ${host}: ${code}`).toBe(0);
      expect(code, `${kind} ${host}`).toBe("TARGET_BLOCKED");
    });
  });

  it.each(Object.keys(SCENARIOS))("%s: connects once FACTEUR_TARGETS_ALLOW opens loopback", async (kind) => {
    const e = await setUp("open", SCENARIOS[kind]!.listener);
    const code = await SCENARIOS[kind]!.run(e, "127.0.0.1");
    expect(e.listener.accepted, `${kind}: ${code}`).toBeGreaterThan(0);
    expect(REFUSAL_CODES).not.toContain(code);
  });

  it("the autoconfig fetch connects to the address its own lookup judged (a name, not a literal)", async () => {
    const e = await setUp("open", "raw");
    expect(await SCENARIOS["discovery-fetch"]!.run(e, "localhost")).toBe("CONNECTED_THEN_FAILED");
    expect(e.listener.accepted).toBe(1);
  });

  it.each(["imap", "pop3"] as const)(
    "ad-hoc %s test: loopback refused by default, reached once opened",
    async (protocol) => {
      const closed = await setUp("closed", protocol);
      expect(REFUSAL_CODES).toContain(await adHoc(protocol)(closed, "127.0.0.1"));
      expect(closed.listener.accepted).toBe(0);
      const code = await adHoc(protocol)({ ...contexts.open!, listener: closed.listener }, "127.0.0.1");
      expect(REFUSAL_CODES).not.toContain(code);
      expect(closed.listener.accepted).toBe(1);
    },
  );
});
