import { existsSync, readFileSync } from "node:fs";
import { Writable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { createAdmin } from "../../src/auth/admin.service.js";
import { buildApp, registeredRoutes } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { createTestContext, type TestContext } from "../helpers/context.js";
import { pdfText, readXlsx } from "../export/files.js";
import { addServer } from "../sending/helpers/fixtures.js";
import { startSmtpSink, type SmtpSink } from "../sending/helpers/smtp-sink.js";

const ADMIN_EMAIL = "securite@exemple.fr";
const ADMIN_PASSWORD = "Facteur!Securite-2026";
const START = new Date("2026-03-02T08:00:00.000Z");

interface Session {
  cookie: string;
  token: string;
  csrf: string;
}

async function login(app: FacteurApp): Promise<Session> {
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
  const token = response.cookies.find((c) => c.name === "facteur_session")!.value;
  return {
    cookie: `facteur_session=${token}`,
    token,
    csrf: (response.json() as { csrfToken: string }).csrfToken,
  };
}

function as(app: FacteurApp, session: Session, csrf: string | null) {
  return (method: string, url: string, payload?: unknown) =>
    app.inject({
      method: method as "POST",
      url,
      headers: { cookie: session.cookie, ...(csrf !== null ? { "x-csrf-token": csrf } : {}) },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
}

describe("sessions, API keys and CSRF", () => {
  let clock = START;
  let t: TestContext;
  let app: FacteurApp;
  beforeAll(async () => {
    t = await createTestContext("sqlite", { now: () => clock });
    app = await buildApp(t.ctx);
    await createAdmin(t.ctx, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await app.close();
    await t.dispose();
  });

  it("expires a session after FACTEUR_SESSION_TTL_HOURS, not a minute before", async () => {
    clock = START;
    const session = await login(app);
    const ttlMs = t.ctx.config.sessionTtlHours * 3_600_000;
    const get = as(app, session, session.csrf);
    expect((await get("GET", "/api/v1/servers")).statusCode).toBe(200);
    clock = new Date(START.getTime() + ttlMs - 60_000);
    expect((await get("GET", "/api/v1/servers")).statusCode).toBe(200);
    expect((await get("POST", "/api/v1/departments", { name: "Juste avant" })).statusCode).toBe(201);
    clock = new Date(START.getTime() + ttlMs + 1);
    for (const [method, url, body] of [
      ["GET", "/api/v1/servers", undefined],
      ["GET", "/api/v1/auth/session", undefined],
      ["POST", "/api/v1/departments", { name: "Trop tard" }],
    ] as const) {
      const response = await get(method, url, body);
      expect(response.statusCode, `${method} ${url}`).toBe(401);
      expect((response.json() as { error: { code: string } }).error.code).toBe("UNAUTHENTICATED");
    }
    clock = START;
  });

  it("ends a session at logout: the old cookie opens nothing", async () => {
    const session = await login(app);
    const call = as(app, session, session.csrf);
    expect((await call("POST", "/api/v1/auth/logout")).statusCode).toBeLessThan(300);
    expect((await call("GET", "/api/v1/servers")).statusCode).toBe(401);
  });

  it("revokes an API key at once for every web process sharing the database", async () => {
    // A second process on the same database file: its own context and app.
    const other = await createContext(t.config, { logger: createLogger("silent"), now: () => clock });
    const otherApp = await buildApp(other);
    try {
      const session = await login(app);
      const call = as(app, session, session.csrf);
      const created = await call("POST", "/api/v1/api-keys", { name: "erp", scopes: ["send", "read"] });
      expect(created.statusCode).toBe(201);
      const { key, apiKey } = created.json() as { key: string; apiKey: { id: number } };
      const withKey = (method: string, url: string, payload?: unknown) =>
        otherApp.inject({
          method: method as "POST",
          url,
          headers: { authorization: `Bearer ${key}` },
          ...(payload !== undefined ? { payload: payload as object } : {}),
        });
      expect((await withKey("GET", "/api/v1/servers")).statusCode).toBe(200);
      // The sending API trusts a key checked in the last two seconds and re-reads it in the insert's
      // transaction: the other process has this key in that short cache when the revocation lands.
      await addServer(t.ctx, { port: 2525 });
      const message = { to: "client@exemple.fr", subject: "x", text: "x" };
      expect((await withKey("POST", "/api/v1/messages", message)).statusCode).toBe(202);
      expect((await call("DELETE", `/api/v1/api-keys/${apiKey.id}`)).statusCode).toBe(204);
      const queuedBefore = await t.ctx.db.selectFrom("outbox_messages").select("id").execute();
      for (const [method, url, body] of [
        ["GET", "/api/v1/servers", undefined],
        ["GET", "/api/v1/messages", undefined],
        ["POST", "/api/v1/messages", message], // refused in the insert's transaction
        ["POST", "/api/v1/messages", { to: "client@exemple.fr", subject: "" }], // refused before the 422
        ["GET", "/api/v1/servers/export.csv", undefined],
      ] as const) {
        const response = await withKey(method, url, body);
        expect(response.statusCode, `${method} ${url}`).toBe(401);
      }
      expect(await t.ctx.db.selectFrom("outbox_messages").select("id").execute()).toEqual(queuedBefore);
      // Revoking twice is refused, and a key that was never issued never works.
      expect((await call("DELETE", `/api/v1/api-keys/${apiKey.id}`)).statusCode).toBe(404);
      const forged = await withKey("GET", "/api/v1/servers");
      expect(forged.statusCode).toBe(401);
    } finally {
      await otherApp.close();
      await other.close();
    }
  });

  it("refuses every cookie-authenticated write without the session's own CSRF token", async () => {
    const session = await login(app);
    const otherSession = await login(app); // same admin, another browser: another CSRF token
    const routes = registeredRoutes(app).filter(
      (r) => !["GET", "HEAD", "OPTIONS"].includes(r.method) && r.url.startsWith("/api/") && r.public !== true,
    );
    expect(routes.length).toBeGreaterThan(10);
    const accepted: string[] = [];
    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? "1" : "x"));
      for (const [label, csrf] of [
        ["none", null],
        ["empty", ""],
        ["forged", "A".repeat(43)],
        ["another session's", otherSession.csrf],
      ] as const) {
        const response = await as(app, session, csrf)(route.method, url, {});
        if (response.statusCode !== 403 || response.json().error.code !== "CSRF_INVALID")
          accepted.push(`${route.method} ${route.url} with ${label} token → ${response.statusCode}`);
      }
    }
    expect(accepted).toEqual([]);
  });
});

/** Every form a credential can take on the wire or in a file. */
function forms(secret: string, user?: string): string[] {
  const out = [secret, Buffer.from(secret).toString("base64")];
  if (user) {
    out.push(Buffer.from(`\0${user}\0${secret}`).toString("base64"));
    out.push(Buffer.from(`${user}\0${user}\0${secret}`).toString("base64"));
  }
  return out;
}

describe("secrets absent from every response, mail and log line of a full workflow", () => {
  const SMTP_USER = "relais@exemple.fr";
  const SMTP_PASSWORD = "Smtp!Relais-7f3kQ9";
  const NEW_SMTP_PASSWORD = "Smtp!Nouveau-2b8xW4";
  const logs: string[] = [];
  let t: TestContext;
  let app: FacteurApp;
  let sink: SmtpSink;
  const bodies: Array<{ label: string; text: string }> = [];

  beforeAll(async () => {
    const logSink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    t = await createTestContext("sqlite", { logger: createLogger("trace", logSink) });
    app = await buildApp(t.ctx);
    await createAdmin(t.ctx, ADMIN_EMAIL, ADMIN_PASSWORD);
    sink = await startSmtpSink({ credentials: { user: SMTP_USER, pass: SMTP_PASSWORD } });
  });
  afterAll(async () => {
    await sink.close();
    await app.close();
    await t.dispose();
  });

  async function record(
    label: string,
    response: Promise<LightMyRequestResponse>,
    kind: "text" | "xlsx" | "pdf" = "text",
  ) {
    const r = await response;
    expect(r.statusCode, `${label}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
    // Binary formats are compressed: scan the text they show, as a reader would see it.
    const text =
      r.statusCode !== 200 || kind === "text"
        ? r.body
        : kind === "xlsx"
          ? JSON.stringify(await readXlsx(r.rawPayload))
          : pdfText(r.rawPayload);
    bodies.push({ label, text: text + JSON.stringify(r.headers) });
    return r;
  }

  it("runs the whole workflow: servers, tests, sending, exports, guides", async () => {
    const session = await login(app);
    const call = as(app, session, session.csrf);
    // The one place a key is shown.
    const keyResponse = await call("POST", "/api/v1/api-keys", { name: "erp", scopes: ["send", "read"] });
    const apiKey = (keyResponse.json() as { key: string }).key;
    const withKey = (method: string, url: string, payload?: unknown) =>
      app.inject({
        method: method as "POST",
        url,
        headers: { authorization: `Bearer ${apiKey}` },
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });

    const created = await record(
      "create server",
      call("POST", "/api/v1/servers", {
        title: "Relais",
        host: "127.0.0.1",
        port: sink.port,
        authentication: "password",
        security: "none",
        mail: SMTP_USER,
        senderName: "Exemple SARL",
        username: SMTP_USER,
        password: SMTP_PASSWORD,
      }),
    );
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { server: { id: number } }).server.id;
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ confirmed_at: t.ctx.now().toISOString(), confirmed_ip: "127.0.0.1" })
      .where("id", "=", id)
      .execute();

    await record("test stored server", call("POST", `/api/v1/servers/${id}/test`, {}));
    await record("last test result", call("GET", `/api/v1/servers/${id}/test`));
    await record(
      "ad-hoc test",
      call("POST", "/api/v1/diagnostics/test", {
        protocol: "smtp",
        host: "127.0.0.1",
        port: sink.port,
        security: "none",
        user: SMTP_USER,
        password: SMTP_PASSWORD,
      }),
    );
    await record(
      "ad-hoc test, wrong password",
      call("POST", "/api/v1/diagnostics/test", {
        protocol: "smtp",
        host: "127.0.0.1",
        port: sink.port,
        security: "none",
        user: SMTP_USER,
        password: `${SMTP_PASSWORD}-faux`,
      }),
    );
    const sent = await record(
      "send",
      withKey("POST", "/api/v1/messages", { to: "client@exemple.fr", subject: "Facture", text: "Bonjour" }),
    );
    expect(sent.statusCode).toBe(202);
    const worker = new OutboxWorker(t.ctx);
    await worker.drain();
    worker.close();
    await sink.waitFor(1);
    const messageId = (sent.json() as { id: number }).id;
    await record("message", withKey("GET", `/api/v1/messages/${messageId}`));
    await record("messages", withKey("GET", "/api/v1/messages"));
    await record("stats", withKey("GET", "/api/v1/servers/stats"));
    await record("server", call("GET", `/api/v1/servers/${id}`));
    await record("servers", call("GET", "/api/v1/servers"));
    await record("export csv", call("GET", "/api/v1/servers/export.csv"));
    await record("export xlsx", call("GET", "/api/v1/servers/export.xlsx"), "xlsx");
    await record("export pdf", call("GET", "/api/v1/servers/export.pdf"), "pdf");
    await record(
      "domain",
      call("POST", "/api/v1/clients/domains", {
        name: "exemple.fr",
        incoming: [{ protocol: "imap", host: "imap.exemple.fr", security: "tls" }],
        outgoing: [{ host: "127.0.0.1", port: sink.port, security: "none", registryServerId: id }],
      }),
    );
    await record(
      "guide html",
      call("GET", `/api/v1/clients/guides/thunderbird?email=${encodeURIComponent("jean@exemple.fr")}`),
    );
    await record(
      "autoconfig",
      app.inject({ method: "GET", url: "/mail/config-v1.1.xml?emailaddress=jean%40exemple.fr" }),
    );
    await record("openapi", call("GET", "/api/v1/openapi.json"));
    await record("metrics", call("GET", "/metrics"));
    const current = (await call("GET", `/api/v1/servers/${id}`)).json() as { version: number };
    await record(
      "password change",
      call("PATCH", `/api/v1/servers/${id}`, { version: current.version, password: NEW_SMTP_PASSWORD }),
    );
    await record("session", call("GET", "/api/v1/auth/session"));
    await record("api keys", call("GET", "/api/v1/api-keys"));
    expect(bodies.length).toBeGreaterThan(20);
    // The secrets scanned below:
    secrets.smtp = [...forms(SMTP_PASSWORD, SMTP_USER), ...forms(NEW_SMTP_PASSWORD, SMTP_USER)];
    secrets.admin = forms(ADMIN_PASSWORD);
    secrets.apiKey = [apiKey];
    secrets.session = [session.token];
    secrets.csrf = [session.csrf];
    const keyFile = t.ctx.config.keyFile;
    secrets.key = existsSync(keyFile) ? [readFileSync(keyFile, "utf8").trim()] : [];
    if (t.ctx.config.secretKey) secrets.key.push(t.ctx.config.secretKey);
    expect(Object.values(secrets).flat().length).toBeGreaterThan(10);
    // The transcript of the stored-server test shows the AUTH exchange, redacted.
    expect(bodies.find((b) => b.label === "test stored server")?.text).toMatch(/AUTH/);
  }, 60_000);

  const secrets: Record<string, string[]> = {};

  it("never returns an SMTP password, admin password, API key, session token or encryption key", () => {
    const leaks: string[] = [];
    for (const { label, text } of bodies)
      for (const [kind, values] of Object.entries(secrets))
        for (const value of values)
          if (kind !== "csrf" && value.length >= 8 && text.includes(value)) leaks.push(`${label}: ${kind}`);
    expect(leaks).toEqual([]);
  });

  it("never writes one to the logs (CSRF token included)", () => {
    const all = logs.join("");
    expect(logs.length).toBeGreaterThan(30);
    const leaks: string[] = [];
    for (const [kind, values] of Object.entries(secrets))
      for (const value of values) if (value.length >= 8 && all.includes(value)) leaks.push(kind);
    expect(leaks).toEqual([]);
  });

  it("never puts the SMTP password into the mail it sends", () => {
    const raw = sink.received.map((m) => m.raw.toString("latin1")).join("\n");
    expect(sink.received.length).toBeGreaterThan(0);
    for (const value of secrets.smtp ?? []) expect(raw).not.toContain(value);
  });
});
