import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { registeredRoutes } from "../../src/http/app.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { LOGO_PNG_BASE64 } from "../sending/helpers/fixtures.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import {
  canHoldString,
  injectAt,
  routeBodySchema,
  walkSchema,
  type LeafKind,
  type StringLeaf,
} from "./injection-schema.js";

/**
 * Issue 13, items 4 and 7, as a class: every string field of every write route's body, found by walking the
 * route's zod schema (src/http/input-guard.ts records it per route), refuses a NUL anywhere, and every
 * single-line field refuses CR, LF, the Unicode line breaks and the other controls, with a 422 — never a 2xx
 * (stored, then written into a header or a protocol line), never a 5xx (PostgreSQL refusing NUL) — and nothing
 * is stored. Base bodies are the one hand-written part; the fields attacked come from the schemas, and a write
 * route with string fields and no base body fails the test (so a new route is covered the day it is added).
 */
const LONG = process.env.FACTEUR_LONG === "1";
const RUNS_PER_LEAF = LONG ? 40 : 6;

const SINGLE_LINE_BREAKS = [
  "\r",
  "\n",
  "\r\n",
  "\r\nBcc: victime@exemple.fr",
  "\r\nSET x",
  "\u0000",
  "\u0085", // NEL
  "\u2028", // LINE SEPARATOR
  "\u2029", // PARAGRAPH SEPARATOR
  "\t",
  "\u000b",
  "\u001b",
  "\u007f",
];
const NUL_ONLY = ["\u0000", "a\u0000b", "\u0000=cmd"];
const BREAKS: Record<LeafKind, string[]> = {
  singleLine: SINGLE_LINE_BREAKS,
  multiLine: NUL_ONLY,
  any: NUL_ONLY,
};
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface Ids {
  serverId: number;
  departmentId: number;
  domainId: number;
}

const domainBody = (name: string, serverId: number) => ({
  name,
  displayName: "Exemple SARL",
  incoming: [
    {
      protocol: "imap",
      host: "imap.exemple.fr",
      port: 993,
      security: "tls",
      authentication: "password",
      usernameForm: "custom",
      usernameTemplate: "%EMAILLOCALPART%",
    },
  ],
  outgoing: [
    {
      protocol: "smtp",
      host: "smtp.exemple.fr",
      port: 465,
      security: "tls",
      authentication: "password",
      usernameForm: "custom",
      usernameTemplate: "%EMAILADDRESS%",
      registryServerId: serverId,
    },
  ],
});

const fullServer = (departmentId: number) =>
  serverBody({
    signatureHtml: "<p>Cordialement,<br>Exemple SARL</p>",
    logo: { mimeType: "image/png", data: LOGO_PNG_BASE64 },
    usage: { mode: "custom", departmentIds: [departmentId] },
    priority: 10,
  });

/** A valid body per write route (`METHOD url` as registered). Only routes whose body can hold a string. */
const BASE_BODIES: Record<string, (ids: Ids) => unknown> = {
  "POST /api/v1/setup": () => ({
    token: "a".repeat(43),
    email: "second@exemple.fr",
    password: ADMIN_PASSWORD,
  }),
  "POST /api/v1/auth/login": () => ({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  "POST /api/v1/api-keys": () => ({ name: "Application de facturation" }),
  "PUT /api/v1/preferences/:key": () => ({ value: { columns: ["title", "host"], note: "texte libre" } }),
  "POST /api/v1/servers": ({ departmentId }) => fullServer(departmentId),
  "PATCH /api/v1/servers/:id": ({ departmentId }) => ({ version: 1, ...fullServer(departmentId) }),
  "POST /api/v1/servers/check": () => ({
    password: "Tr0ub4dor&3-Secret",
    port: 587,
    security: "starttls",
    authenticated: true,
  }),
  "POST /api/v1/servers/:id/test": () => ({ to: "essai@exemple.fr", tryAlternatives: false }),
  "POST /api/v1/diagnostics/test": () => ({
    protocol: "pop3",
    host: "pop.exemple.fr",
    port: 995,
    security: "tls",
    user: "bob@exemple.fr",
    password: "Tr0ub4dor&3-Secret",
    from: "expediteur@exemple.fr",
    to: "essai@exemple.fr",
    acceptInvalidCertificate: false,
    tryAlternatives: false,
  }),
  "POST /api/v1/departments": () => ({ name: "Comptabilité" }),
  "PATCH /api/v1/departments/:id": () => ({ name: "Comptabilité générale" }),
  "POST /api/v1/messages": ({ serverId }) => ({
    from: "ventes@exemple.fr",
    fromName: "Service Ventes",
    replyTo: "reponses@exemple.fr",
    to: [{ address: "client@exemple.fr", name: "Client Exemple" }],
    cc: ["copie@exemple.fr"],
    bcc: "archive@exemple.fr",
    subject: "Votre facture",
    text: "Bonjour,\r\nveuillez trouver la facture.\n",
    html: "<p>Bonjour,</p>\n<p>veuillez trouver la facture.</p>",
    attachments: [{ filename: "facture.pdf", contentType: "application/pdf", content: "SGVsbG8=" }],
    department: "Ventes",
    serverId,
    idempotencyKey: "commande-42",
  }),
  "POST /api/v1/setup/domains": ({ serverId }) => domainBody("injection-exemple.fr", serverId),
  "PATCH /api/v1/setup/domains/:id": ({ serverId }) => ({
    version: 1,
    ...domainBody("injection-exemple.fr", serverId),
  }),
};

function concretePath(url: string, ids: Ids): string {
  return url
    .replace(/^\/api\/v1\/servers\/:id/, `/api/v1/servers/${ids.serverId}`)
    .replace(/^\/api\/v1\/departments\/:id/, `/api/v1/departments/${ids.departmentId}`)
    .replace(/^\/api\/v1\/setup\/domains\/:id/, `/api/v1/setup/domains/${ids.domainId}`)
    .replace(":key", "ui.columns")
    .replace(/:\w+/g, "1");
}

/** What a refused write must not have changed: every row a write route can create or edit. */
async function storedState(t: TestContext): Promise<string> {
  const tables: Array<[string, string[]]> = [
    ["smtp_servers", ["id", "version", "title", "sender_name", "username", "password_enc"]],
    ["departments", ["id", "name"]],
    ["mail_domains", ["id", "version"]],
    ["outbox_messages", ["id"]],
    ["admin_preferences", ["admin_id", "key", "value_json"]],
    ["api_keys", ["id", "name"]],
    ["admins", ["id", "email"]],
  ];
  const state: Record<string, unknown> = {};
  for (const [table, columns] of tables)
    state[table] = await t.ctx.db
      .selectFrom(table as never)
      .select(columns as never)
      .execute()
      .then((rows) => rows.map((r) => JSON.stringify(r)).sort());
  return JSON.stringify(state);
}

describe.each(STORE_KINDS)("CR/LF/NUL in every string field of every write route (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let ids: Ids;
  let session: { cookie: string; csrf: string };
  let clientNumber = 0;
  const tally = { requests: 0, leaves: 0 };

  /** An admin-session request from a new client address each time (per-address rate limits stay out of it). */
  function send(method: string, url: string, payload: unknown): Promise<LightMyRequestResponse> {
    clientNumber++;
    tally.requests++;
    return s.app.inject({
      method: method as "POST",
      url,
      remoteAddress: `10.${(clientNumber >> 16) & 255}.${(clientNumber >> 8) & 255}.${clientNumber & 255}`,
      headers: { cookie: session.cookie, "x-csrf-token": session.csrf },
      payload: payload as object,
    });
  }

  beforeAll(async () => {
    t = await createIsolatedTestContext(kind);
    s = await signedInApp(t.ctx);
    const login = await s.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      remoteAddress: "10.255.0.1",
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);
    session = {
      cookie: `facteur_session=${login.cookies.find((c) => c.name === "facteur_session")!.value}`,
      csrf: (login.json() as { csrfToken: string }).csrfToken,
    };
    const department = await send("POST", "/api/v1/departments", { name: "Ventes" });
    expect(department.statusCode, department.body).toBe(201);
    const departmentId = (department.json() as { id: number }).id;
    const server = await send("POST", "/api/v1/servers", serverBody());
    expect(server.statusCode, server.body).toBe(201);
    const serverId = (server.json() as { server: { id: number } }).server.id;
    const domain = await send("POST", "/api/v1/setup/domains", domainBody("exemple-base.fr", serverId));
    expect(domain.statusCode, domain.body).toBe(201);
    ids = { serverId, departmentId, domainId: (domain.json() as { id: number }).id };
  });
  afterAll(async () => {
    console.log(`[injection ${kind}] string fields attacked ${tally.leaves}, requests ${tally.requests}`);
    await s?.app.close();
    await t?.dispose();
  });

  it("has a base body for every write route whose body can hold a string, valid, naming every field", () => {
    const missing: string[] = [];
    const problems: string[] = [];
    for (const route of registeredRoutes(s.app)) {
      if (!WRITE_METHODS.has(route.method)) continue;
      const schema = routeBodySchema(s.app, route.method, route.url);
      const key = `${route.method} ${route.url}`;
      if (!schema || !canHoldString(schema)) continue;
      const base = BASE_BODIES[key];
      if (!base) {
        missing.push(key);
        continue;
      }
      const body = base(ids);
      const parsed = schema.safeParse(body);
      if (!parsed.success) problems.push(`${key}: base body invalid ${JSON.stringify(parsed.error.issues)}`);
      const walk = walkSchema(schema, body);
      if (walk.uncovered.length > 0) problems.push(`${key}: base body lacks ${walk.uncovered.join(", ")}`);
      if (walk.leaves.length === 0) problems.push(`${key}: no string field found`);
    }
    expect(missing, "write routes without a base body in BASE_BODIES").toEqual([]);
    expect(problems).toEqual([]);
  });

  const routeCases = () =>
    registeredRoutes(s.app)
      .filter((route) => WRITE_METHODS.has(route.method))
      .flatMap((route) => {
        const schema = routeBodySchema(s.app, route.method, route.url);
        const base = BASE_BODIES[`${route.method} ${route.url}`];
        if (!schema || !base) return [];
        const body = base(ids);
        return [{ route, schema, body, leaves: walkSchema(schema, body).leaves }];
      });

  async function attack(
    route: { method: string; url: string },
    body: unknown,
    leaf: StringLeaf,
    insert: string,
    at: number,
  ): Promise<void> {
    const injected = injectAt(body, leaf.path, insert, at);
    const response = await send(route.method, concretePath(route.url, ids), injected);
    const label = `${route.method} ${route.url} ${leaf.path.join(".")} ${JSON.stringify(insert)}@${at}`;
    expect(response.statusCode, `${label} → ${response.body.slice(0, 400)}`).toBe(422);
    const error = (response.json() as { error: { code: string; details?: Array<{ path: string }> } }).error;
    expect(["VALIDATION_FAILED", "MESSAGE_HEADER_INJECTION"], label).toContain(error.code);
    // The refusal names the attacked field (or the union/array holding it).
    const field = leaf.path.join(".");
    expect(
      (error.details ?? []).some((d) => field === d.path || field.startsWith(`${d.path}.`) || d.path === ""),
      `${label}: ${JSON.stringify(error.details)}`,
    ).toBe(true);
  }

  it("answers 422 and stores nothing for CR/LF/NUL anywhere in any string field (property)", async () => {
    const cases = routeCases();
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const { route, schema, body, leaves } of cases) {
      const before = await storedState(t);
      tally.leaves += leaves.length;
      // Each field at least once at its end (a trailing CR/LF must not be trimmed away into a valid value)…
      for (const leaf of leaves) {
        await attack(
          route,
          body,
          leaf,
          leaf.kind === "singleLine" ? "\r\n" : "\u0000",
          Number.MAX_SAFE_INTEGER,
        );
        await attack(route, body, leaf, "\u0000", 0);
      }
      // …then random breaks at random positions.
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...leaves)
            .chain((leaf) => fc.tuple(fc.constant(leaf), fc.constantFrom(...BREAKS[leaf.kind]), fc.nat(200))),
          async ([leaf, insert, at]) => attack(route, body, leaf, insert, at),
        ),
        { numRuns: leaves.length * RUNS_PER_LEAF },
      );
      expect(await storedState(t), `${route.method} ${route.url} changed stored rows`).toBe(before);
      void (schema as z.ZodType);
    }
  });

  it("accepts multi-line text where it belongs: CR/LF in a message body and a signature", async () => {
    const multi = routeCases().flatMap(({ route, leaves }) =>
      leaves
        .filter((l) => l.kind === "multiLine")
        .map((l) => `${route.method} ${route.url} ${l.path.join(".")}`),
    );
    // The walker sees the declared multi-line fields; everything else is single-line by default.
    expect(multi).toEqual(
      expect.arrayContaining([
        "POST /api/v1/messages text",
        "POST /api/v1/messages html",
        "POST /api/v1/servers signatureHtml",
        "PATCH /api/v1/servers/:id signatureHtml",
      ]),
    );
    const response = await send("PATCH", `/api/v1/servers/${ids.serverId}`, {
      version: 1,
      signatureHtml: "<p>Cordialement,</p>\r\n<p>Exemple SARL</p>",
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});
