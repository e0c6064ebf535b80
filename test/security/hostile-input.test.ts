import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MESSAGE_BODY_LIMIT_BYTES } from "../../src/sending/message.schema.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { readXlsx } from "../export/files.js";
import { closedPort } from "../sending/helpers/smtp-sink.js";
import { HOSTILE_STRINGS, hostileQuery, hostileRecord, hostileString, hostileValue } from "./hostile.js";

/**
 * Hostile input over every API route family: random and malicious bodies and query strings never get a 5xx;
 * stored markup never comes back executable; header injection, oversized bodies and SSRF targets are refused
 * with their stable codes. FACTEUR_LONG=1 multiplies the runs (docs/RELIABILITY.md).
 */
const LONG = process.env.FACTEUR_LONG === "1";
const RUNS = LONG ? 1_000 : 100;
const SLOW_RUNS = LONG ? 200 : 40; // properties that create rows or render files per run

const tally = { tried: 0, serverErrors: [] as string[] };

/**
 * A path segment from a hostile string: lone surrogates replaced (they cannot be percent-encoded) and capped
 * at Fastify's maxParamLength (100), whose longer segments are answered outside the error vocabulary: that
 * bug has its own test below ("answers over-long and malformed path parameters …").
 */
function segment(value: string): string {
  const wellFormed = value.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "?",
  );
  let encoded = "";
  for (const char of wellFormed) {
    const next = encoded + encodeURIComponent(char);
    if (next.length > FASTIFY_MAX_PARAM_LENGTH) break;
    encoded = next;
  }
  return encoded;
}
const FASTIFY_MAX_PARAM_LENGTH = 100; // Fastify's default router option

function count(label: string, response: LightMyRequestResponse): LightMyRequestResponse {
  tally.tried++;
  if (response.statusCode >= 500)
    tally.serverErrors.push(`${label} → ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response;
}

/** Every refusal carries the one error body with a stable code. */
function expectClientError(response: LightMyRequestResponse): void {
  expect(response.statusCode, response.body.slice(0, 500)).toBeLessThan(500);
  if (response.statusCode >= 400 && response.headers["content-type"]?.toString().includes("json"))
    expect((response.json() as { error: { code: string } }).error.code).toMatch(/^[A-Z0-9_]+$/);
}

const MESSAGE_FIELDS = [
  "from",
  "fromName",
  "replyTo",
  "to",
  "cc",
  "bcc",
  "subject",
  "text",
  "html",
  "attachments",
  "department",
  "serverId",
  "idempotencyKey",
  "__proto__",
];

describe.each(STORE_KINDS)("hostile input on every API route family (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let serverId: number;
  let deadPort: number;

  const withKey = (method: string, url: string, payload?: unknown) =>
    s.app.inject({
      method: method as "POST",
      url,
      headers: { authorization: `Bearer ${s.apiKey}` },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    tally.tried = 0;
    tally.serverErrors = [];
    t = await createTestContext(kind);
    s = await signedInApp(t.ctx);
    deadPort = await closedPort();
    // A confirmed server, so well-formed messages are accepted (202) and the rest of the pipeline runs.
    const created = await s.request(
      "POST",
      "/api/v1/servers",
      serverBody({ host: "127.0.0.1", port: deadPort, security: "none", authentication: "none" }),
    );
    serverId = (created.json() as { server: { id: number } }).server.id;
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ confirmed_at: t.ctx.now().toISOString(), confirmed_ip: "127.0.0.1" })
      .where("id", "=", serverId)
      .execute();
  });
  afterAll(async () => {
    console.log(`[hostile ${kind}] inputs tried ${tally.tried}, 5xx answers ${tally.serverErrors.length}`);
    await s.app.close();
    await t.dispose();
  });

  it("POST /api/v1/messages: random and hostile bodies get 202 or a 4xx with a code, never a 5xx", async () => {
    const message = hostileRecord(MESSAGE_FIELDS);
    const nearlyValid = fc
      .record({
        to: fc.oneof(fc.constant("client@exemple.fr"), hostileValue),
        subject: hostileString,
        text: hostileString,
      })
      .chain((base) => hostileRecord(MESSAGE_FIELDS).map((extra) => ({ ...base, ...extra })));
    await fc.assert(
      fc.asyncProperty(fc.oneof(message, nearlyValid, hostileValue), async (body) => {
        const response = count("POST /api/v1/messages", await withKey("POST", "/api/v1/messages", body));
        expectClientError(response);
      }),
      { numRuns: RUNS },
    );
  });

  it("GET /api/v1/messages and /messages/:id: hostile queries and ids never get a 5xx", async () => {
    const fields = ["recipient", "status", "serverId", "departmentId", "page", "pageSize", "lang"];
    await fc.assert(
      fc.asyncProperty(hostileQuery(fields), hostileString, async (query, id) => {
        expectClientError(count("GET /api/v1/messages", await withKey("GET", `/api/v1/messages?${query}`)));
        const path = `/api/v1/messages/${segment(id)}`;
        expectClientError(count("GET /api/v1/messages/:id", await withKey("GET", path)));
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses a NUL character in a query string or a path parameter (PostgreSQL cannot store it)", async () => {
    // Found by the property above on PostgreSQL: `?recipient=%00` reached the database and answered 500.
    for (const url of [
      "/api/v1/messages?recipient=%00",
      "/api/v1/messages?recipient=a%00b",
      "/api/v1/servers?q=%00",
      "/api/v1/servers/export.csv?q=x%00",
      "/api/v1/messages/1%00",
    ]) {
      const response = count(`GET ${url}`, await withKey("GET", url));
      expect(response.statusCode, url).toBe(422);
      const body = response.json() as { error: { code: string; details: Array<{ code: string }> } };
      expect(body.error.code, url).toBe("VALIDATION_FAILED");
      expect(
        body.error.details.map((d) => d.code),
        url,
      ).toContain("NUL_CHARACTER");
    }
  });

  it("departments: hostile names and ids on create, rename and delete never get a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileRecord(["name"]), hostileValue), hostileString, async (body, id) => {
        const path = `/api/v1/departments/${segment(id)}`;
        expectClientError(
          count("POST /api/v1/departments", await s.request("POST", "/api/v1/departments", body)),
        );
        expectClientError(count("PATCH /api/v1/departments/:id", await s.request("PATCH", path, body)));
        expectClientError(count("DELETE /api/v1/departments/:id", await s.request("DELETE", path)));
      }),
      { numRuns: RUNS },
    );
  });

  it("setup: hostile domains, discovery and guide requests never get a 5xx", async () => {
    const domainFields = ["name", "displayName", "incoming", "outgoing", "version"];
    const serverEntry = hostileRecord([
      "protocol",
      "host",
      "port",
      "security",
      "authentication",
      "usernameForm",
      "usernameTemplate",
      "registryServerId",
    ]);
    const domain = fc.oneof(
      hostileRecord(domainFields),
      fc.record({
        name: fc.oneof(fc.constant("exemple.fr"), hostileString),
        displayName: hostileString,
        incoming: fc.array(serverEntry, { maxLength: 3 }),
        outgoing: fc.array(serverEntry, { maxLength: 3 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        domain,
        hostileQuery(["email", "probe", "lang", "incoming"]),
        hostileString,
        async (body, query, client) => {
          expectClientError(
            count("POST /api/v1/clients/domains", await s.request("POST", "/api/v1/clients/domains", body)),
          );
          expectClientError(
            count(
              "PATCH /api/v1/clients/domains/1",
              await s.request("PATCH", "/api/v1/clients/domains/1", body),
            ),
          );
          expectClientError(
            count(
              "GET /api/v1/clients/discover",
              await s.request("GET", `/api/v1/clients/discover?${query}`),
            ),
          );
          const guide = `/api/v1/clients/guides/${segment(client)}?${query}`;
          expectClientError(count("GET /api/v1/clients/guides/:client", await s.request("GET", guide)));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("exports and the servers list: hostile query strings never get a 5xx", async () => {
    const fields = ["q", "sort", "order", "columns", "lang", "separator", "page", "pageSize", "confirmed"];
    await fc.assert(
      fc.asyncProperty(hostileQuery(fields), fc.constantFrom("csv", "xlsx", "pdf"), async (query, format) => {
        expectClientError(count("GET /api/v1/servers", await s.request("GET", `/api/v1/servers?${query}`)));
        const url = `/api/v1/servers/export.${format}?${query}`;
        expectClientError(count(`GET /api/v1/servers/export.${format}`, await s.request("GET", url)));
      }),
      { numRuns: SLOW_RUNS },
    );
  });

  it("preferences: hostile keys and values never get a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, fc.oneof(hostileRecord(["value"]), hostileValue), async (key, body) => {
        const path = `/api/v1/preferences/${segment(key)}`;
        expectClientError(count("PUT /api/v1/preferences/:key", await s.request("PUT", path, body)));
        expectClientError(count("GET /api/v1/preferences/:key", await s.request("GET", path)));
        expectClientError(count("DELETE /api/v1/preferences/:key", await s.request("DELETE", path)));
      }),
      { numRuns: RUNS },
    );
  });

  it("diagnostics ad-hoc test: hostile settings never get a 5xx", async () => {
    const settings = fc.record(
      {
        protocol: fc.oneof(fc.constantFrom("smtp", "imap", "pop3"), hostileString),
        host: fc.oneof(fc.constant("127.0.0.1"), hostileString),
        port: fc.oneof(fc.constant(deadPort), fc.integer({ min: -10, max: 70_000 }), hostileValue),
        security: fc.oneof(fc.constantFrom("none", "starttls", "tls"), hostileString),
        user: hostileValue,
        password: hostileValue,
        from: hostileValue,
        to: hostileValue,
        acceptInvalidCertificate: hostileValue,
        tryAlternatives: fc.constant(false),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(settings, async (body) => {
        // Only a closed local port is ever reachable: the test never probes a real service.
        if (body.host === "127.0.0.1") body.port = deadPort;
        const response = count(
          "POST /api/v1/diagnostics/test",
          await s.request("POST", "/api/v1/diagnostics/test", body),
        );
        expectClientError(response);
      }),
      { numRuns: SLOW_RUNS },
    );
  });

  it("refuses CR, LF, NUL and Unicode line separators in every header field as header injection", async () => {
    const before = await t.ctx.db
      .selectFrom("outbox_messages")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const fields = [
      "from",
      "fromName",
      "replyTo",
      "subject",
      "to",
      "toName",
      "cc",
      "bcc",
      "filename",
      "contentType",
      "idempotencyKey",
    ] as const;
    const breaks = ["\r", "\n", "\r\n", "\r\nBcc: victim@evil.example", "\u2028", "\u2029", "\0"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.constantFrom(...breaks),
        fc.nat(30),
        async (field, lineBreak, at) => {
          const inject = (value: string) =>
            value.slice(0, at % (value.length + 1)) + lineBreak + value.slice(at % (value.length + 1));
          const body: Record<string, unknown> = {
            to: "client@exemple.fr",
            subject: "Facture",
            text: "Bonjour",
          };
          if (field === "toName")
            body.to = [{ address: "client@exemple.fr", name: inject("Client Exemple") }];
          else if (field === "filename" || field === "contentType")
            body.attachments = [
              {
                filename: field === "filename" ? inject("facture.pdf") : "facture.pdf",
                contentType: field === "contentType" ? inject("application/pdf") : "application/pdf",
                content: "SGVsbG8=",
              },
            ];
          else if (field === "fromName" || field === "subject" || field === "idempotencyKey")
            body[field] = inject("Exemple SARL");
          else if (field === "cc" || field === "bcc") body[field] = [inject("copie@exemple.fr")];
          else body[field] = inject("contact@exemple.fr");
          const response = count(
            "POST /api/v1/messages (header injection)",
            await withKey("POST", "/api/v1/messages", body),
          );
          expect(response.statusCode, `${field} ${JSON.stringify(lineBreak)} ${response.body}`).toBe(422);
          const error = (response.json() as { error: { code: string; details: Array<{ code: string }> } })
            .error;
          // NUL is refused at the HTTP edge for every route (src/http/input-guard.ts), before this route's check.
          if (lineBreak === "\0") {
            expect(error.code).toBe("VALIDATION_FAILED");
            expect(error.details.map((d) => d.code)).toContain("NUL_CHARACTER");
          } else expect(error.code).toBe("MESSAGE_HEADER_INJECTION");
        },
      ),
      { numRuns: RUNS },
    );
    const after = await t.ctx.db
      .selectFrom("outbox_messages")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    // Well-formed messages of the earlier properties may be queued; none of these was.
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it("answers oversized, deeply nested and mistyped bodies with 4xx codes", async () => {
    const big = "x".repeat(2 * 1024 * 1024);
    const tooBigServer = count(
      "POST /api/v1/servers (2 MiB)",
      await s.request("POST", "/api/v1/servers", serverBody({ signatureHtml: big })),
    );
    expect(tooBigServer.statusCode).toBe(413);
    expect(tooBigServer.json().error.code).toBe("BODY_TOO_LARGE");

    const overLimit = count(
      "POST /api/v1/messages (over the route limit)",
      await withKey("POST", "/api/v1/messages", {
        to: "client@exemple.fr",
        subject: "gros",
        text: "x".repeat(MESSAGE_BODY_LIMIT_BYTES + 10),
      }),
    );
    expect(overLimit.statusCode).toBe(413);

    const recipients = Array.from({ length: 101 }, (_, i) => `r${i}@exemple.fr`);
    const tooMany = count(
      "POST /api/v1/messages (101 recipients)",
      await withKey("POST", "/api/v1/messages", { to: recipients, subject: "x", text: "x" }),
    );
    expect(tooMany.statusCode).toBe(422);
    const files = Array.from({ length: 21 }, (_, i) => ({ filename: `f${i}.txt`, content: "SGVsbG8=" }));
    const tooManyFiles = count(
      "POST /api/v1/messages (21 files)",
      await withKey("POST", "/api/v1/messages", {
        to: "client@exemple.fr",
        subject: "x",
        text: "x",
        attachments: files,
      }),
    );
    expect(tooManyFiles.statusCode).toBe(422);
    const longSubject = count(
      "POST /api/v1/messages (999-char subject)",
      await withKey("POST", "/api/v1/messages", {
        to: "client@exemple.fr",
        subject: "s".repeat(999),
        text: "x",
      }),
    );
    expect(longSubject.statusCode).toBe(422);

    for (const depth of [1_000, 100_000]) {
      const nested = "[".repeat(depth) + "]".repeat(depth);
      const response = count(
        `POST /api/v1/messages (nesting ${depth})`,
        await s.app.inject({
          method: "POST",
          url: "/api/v1/messages",
          headers: { authorization: `Bearer ${s.apiKey}`, "content-type": "application/json" },
          payload: nested,
        }),
      );
      expectClientError(response);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
    }
    for (const [type, payload] of [
      ["text/plain", "to=client@exemple.fr"],
      ["application/x-www-form-urlencoded", "to=client%40exemple.fr&subject=x&text=x"],
      ["application/json", '{"to": '],
      ["application/json", ""],
      ["application/json; charset=utf-16", "{}"],
    ] as const) {
      const response = count(
        `POST /api/v1/messages (${type})`,
        await s.app.inject({
          method: "POST",
          url: "/api/v1/messages",
          headers: { authorization: `Bearer ${s.apiKey}`, "content-type": type },
          payload,
        }),
      );
      expectClientError(response);
      expect(response.statusCode, `${type} ${payload}`).toBeGreaterThanOrEqual(400);
    }
  });

  it("stores markup in every server text field and the signature, and never hands it back executable", async () => {
    const payloads = HOSTILE_STRINGS.filter(
      (p) => p.length < 200 && !p.includes("\u0000") && !p.includes("\uD800"),
    );
    // Text that merely reads "javascript:alert(1)" is harmless; a link or source with that scheme is not.
    const dangerous =
      /<script|<iframe|<svg|<object|<embed|\son\w+\s*=|(?:href|src)\s*=\s*["']?\s*(?:javascript|vbscript|data):/i;
    for (const payload of payloads) {
      const created = count(
        "POST /api/v1/servers (markup)",
        await s.request(
          "POST",
          "/api/v1/servers",
          serverBody({
            title: `T ${payload}`.slice(0, 120),
            senderName: `N ${payload}`.slice(0, 120),
            signatureHtml: `<p>Cordialement</p>${payload}<a href="javascript:alert(1)" onclick="x()">lien</a><img src="https://x.example/a.png" onerror="alert(1)">`,
          }),
        ),
      );
      if (created.statusCode !== 201) {
        expectClientError(created);
        continue;
      }
      const id = (created.json() as { server: { id: number } }).server.id;
      const read = count("GET /api/v1/servers/:id", await s.request("GET", `/api/v1/servers/${id}`));
      const view = read.json() as { signatureHtml: string; title: string };
      expect(view.signatureHtml, payload).not.toMatch(dangerous);
      expect(view.signatureHtml).toContain("Cordialement");
      // Text fields are data: stored as typed, JSON-encoded, and served as JSON (never as HTML).
      expect(read.headers["content-type"]).toMatch(/^application\/json/);
      expect(read.headers["x-content-type-options"]).toBe("nosniff");
      await s.request("DELETE", `/api/v1/servers/${id}`);
    }
  });

  it("escapes a hostile domain display name in the HTML guide and serves it under a CSP", async () => {
    const payload = `Exemple <script>alert(1)</script><img src=x onerror=alert(1)> & "Cie"`;
    const created = count(
      "POST /api/v1/clients/domains (markup)",
      await s.request("POST", "/api/v1/clients/domains", {
        name: "xss-exemple.fr",
        displayName: payload,
        incoming: [{ protocol: "imap", host: "imap.xss-exemple.fr", security: "tls" }],
        outgoing: [{ host: "smtp.xss-exemple.fr", security: "starttls" }],
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const list = count("GET /api/v1/clients/guides", await s.request("GET", "/api/v1/clients/guides"));
    const clients = (list.json() as { items: Array<{ id: string }> }).items.map((g) => g.id);
    expect(clients.length).toBeGreaterThan(3);
    for (const client of clients) {
      const guide = count(
        "GET /api/v1/clients/guides/:client (markup)",
        await s.request(
          "GET",
          `/api/v1/clients/guides/${client}?email=${encodeURIComponent("o'brien+<b>@xss-exemple.fr")}`,
        ),
      );
      if (guide.statusCode !== 200) {
        expectClientError(guide);
        continue;
      }
      expect(guide.headers["content-security-policy"]).toBeTruthy();
      expect(guide.body).not.toContain("<script>alert(1)</script>");
      expect(guide.body).not.toMatch(/<img src=x onerror/i);
      expect(guide.body).not.toContain("<b>@");
    }
  });

  it("neutralises formulas in every exported CSV and XLSX text cell (property)", async () => {
    const trigger = fc.constantFrom("=", "+", "-", "@", "\t", "\r");
    const cell = fc
      .tuple(trigger, fc.string({ minLength: 1, maxLength: 30 }))
      // Other control characters are refused by the title rules; keep the run on what can be stored.
      .map(([a, b]) => a + [...b].map((c) => (c.charCodeAt(0) < 0x20 ? "x" : c)).join(""));
    await fc.assert(
      fc.asyncProperty(cell, cell, async (title, senderName) => {
        const created = await s.request(
          "POST",
          "/api/v1/servers",
          serverBody({ title: `${title}`.slice(0, 120), senderName: senderName.slice(0, 120) }),
        );
        count("POST /api/v1/servers (formula)", created);
        if (created.statusCode !== 201) return expectClientError(created);
        const id = (created.json() as { server: { id: number } }).server.id;
        const csv = count(
          "GET export.csv",
          await s.request(
            "GET",
            `/api/v1/servers/export.csv?separator=comma&q=${encodeURIComponent(String(id))}`,
          ),
        );
        expect(csv.statusCode).toBe(200);
        const xlsx = count("GET export.xlsx", await s.request("GET", "/api/v1/servers/export.xlsx"));
        expect(xlsx.statusCode).toBe(200);
        const rows = await readXlsx(xlsx.rawPayload);
        for (const row of rows)
          for (const value of row)
            if (typeof value === "string") expect(value, JSON.stringify(value)).not.toMatch(/^[=+\-@\t\r]/);
        // CSV: a cell is either quoted or not; strip the quote and look at the first character.
        for (const line of csv.body.replace(/^\uFEFF/, "").split(/\n(?=\d)/))
          for (const raw of line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
            const value = raw.startsWith('"') ? raw.slice(1) : raw;
            if (value !== "" && !/^-?\d+$/.test(value))
              expect(value, JSON.stringify(raw)).not.toMatch(/^[=+\-@\t\r]/);
          }
        await s.request("DELETE", `/api/v1/servers/${id}`);
      }),
      { numRuns: SLOW_RUNS },
    );
  });

  it("has answered every hostile input without a 5xx", () => {
    expect(tally.serverErrors).toEqual([]);
    expect(tally.tried).toBeGreaterThan(RUNS * 7);
  });
});

describe("framework errors use the API's error body (known bug, see docs/RELIABILITY.md)", () => {
  let t: TestContext;
  let s: SignedInApp;
  beforeAll(async () => {
    t = await createTestContext("sqlite");
    s = await signedInApp(t.ctx);
  });
  afterAll(async () => {
    await s.app.close();
    await t.dispose();
  });

  // Fastify answers these before routing; `frameworkErrors` in src/http/app.ts gives them the API's error body.
  it("answers over-long and malformed path parameters with the API's error body", async () => {
    for (const url of [`/api/v1/preferences/${"a".repeat(101)}`, "/api/v1/messages/%zz"]) {
      const response = count(`GET ${url.slice(0, 40)}`, await s.request("GET", url));
      expect(response.statusCode).toBeLessThan(500);
      expect((response.json() as { error: { code: string } }).error.code, response.body).toMatch(/^[A-Z_]+$/);
    }
  });
});

describe("SSRF through diagnostics and discovery (default policy)", () => {
  let t: TestContext;
  let s: SignedInApp;
  beforeAll(async () => {
    t = await createTestContext("sqlite");
    s = await signedInApp(t.ctx);
  });
  afterAll(async () => {
    await s.app.close();
    await t.dispose();
  });

  /** The refusal code, whether the route raised it (403) or reported it in a 200 test result. */
  function refusalCode(response: LightMyRequestResponse): string | undefined {
    const body = response.json() as {
      error?: { code: string };
      failure?: { code: string } | null;
      ok?: boolean;
    };
    if (response.statusCode === 200) {
      expect(body.ok).toBe(false);
      return body.failure?.code;
    }
    return body.error?.code;
  }

  const TARGETS = [
    "169.254.169.254", // cloud metadata
    "169.254.0.1",
    "2852039166", // 169.254.169.254 written as one decimal number: resolvers accept it
    "0xA9FEA9FE", // the same in hexadecimal
    "169.254.169.254.", // trailing dot
    "fe80::1", // IPv6 link-local
    "[fe80::1]",
    "::ffff:169.254.169.254", // IPv4-mapped IPv6
    "0.0.0.0", // unspecified: reaches the local host on Linux
    "::",
    "100.100.100.200", // Alibaba Cloud metadata
    "fd00:ec2::254", // AWS metadata over IPv6
    "224.0.0.1", // multicast
  ];

  it.each(TARGETS)(
    "refuses an ad-hoc connection test to %s with TARGET_BLOCKED (or as an invalid host)",
    async (host) => {
      const response = count(
        "POST /api/v1/diagnostics/test (SSRF)",
        await s.request("POST", "/api/v1/diagnostics/test", {
          protocol: "smtp",
          host,
          port: 25,
          security: "none",
        }),
      );
      expectClientError(response);
      const code = refusalCode(response);
      expect(
        ["TARGET_BLOCKED", "VALIDATION_FAILED", "TARGET_INVALID"],
        `${host}: ${response.body}`,
      ).toContain(code);
      if (code !== "TARGET_BLOCKED") expect(response.statusCode).toBe(422);
    },
  );

  it("refuses a stored server pointing at the metadata address when it is tested", async () => {
    const created = await s.request(
      "POST",
      "/api/v1/servers",
      serverBody({ host: "169.254.169.254", port: 25, security: "none", authentication: "none" }),
    );
    if (created.statusCode !== 201) {
      expectClientError(created);
      return;
    }
    const id = (created.json() as { server: { id: number } }).server.id;
    const response = count(
      "POST /api/v1/servers/:id/test (SSRF)",
      await s.request("POST", `/api/v1/servers/${id}/test`, {}),
    );
    expect(refusalCode(response)).toBe("TARGET_BLOCKED");
  });

  it("refuses discovery for address literals and never probes link-local hosts", async () => {
    for (const email of [
      "x@[169.254.169.254]",
      "x@169.254.169.254",
      "x@[fe80::1]",
      "x@2852039166",
      "x@0.0.0.0",
    ]) {
      const response = count(
        "GET /api/v1/clients/discover (SSRF)",
        await s.request("GET", `/api/v1/clients/discover?probe=true&email=${encodeURIComponent(email)}`),
      );
      expectClientError(response);
      // Either refused as input, or answered with no settings and no probe that reached an address.
      if (response.statusCode === 200) {
        const result = response.json() as { settings: unknown; probes?: Array<{ outcome: string }> };
        expect(result.settings, email).toBeNull();
        for (const probe of result.probes ?? [])
          expect(["no-address", "forbidden-address"], email).toContain(probe.outcome);
      }
    }
  });
});
