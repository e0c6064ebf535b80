import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { neutralizeFormula } from "../../src/export/neutralize.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { parseCsv, readXlsx } from "../export/files.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";

/**
 * Issue 13, item 7: a NUL character in a JSON body answered 500 on PostgreSQL (text cannot hold U+0000) and
 * was stored on SQLite, where a NUL-prefixed title then escaped the formula neutralising of the XLSX export.
 * Every field named in the issue, and a few more, on both stores: 422 with the NUL_CHARACTER code, nothing
 * stored. The export quotes a cell that starts with any control character, whatever put it there.
 */
const NUL = "\u0000";

function expectNulRefused(response: LightMyRequestResponse, label: string): void {
  expect(response.statusCode, `${label}: ${response.body.slice(0, 300)}`).toBe(422);
  const error = (response.json() as { error: { code: string; details?: Array<{ code: string }> } }).error;
  expect(["VALIDATION_FAILED", "MESSAGE_HEADER_INJECTION"], label).toContain(error.code);
  const codes = (error.details ?? []).map((d) => d.code);
  expect(
    codes.some((c) => c === "NUL_CHARACTER" || c === "MESSAGE_HEADER_INJECTION"),
    `${label}: ${codes.join(",")}`,
  ).toBe(true);
}

describe.each(STORE_KINDS)("NUL characters in JSON bodies (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let serverId: number;
  let departmentId: number;

  const count = async (table: "smtp_servers" | "departments" | "outbox_messages" | "mail_domains") =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select(({ fn }) => fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createIsolatedTestContext(kind);
    s = await signedInApp(t.ctx);
    const server = await s.request("POST", "/api/v1/servers", serverBody());
    serverId = (server.json() as { server: { id: number } }).server.id;
    const department = await s.request("POST", "/api/v1/departments", { name: "Achats" });
    departmentId = (department.json() as { id: number }).id;
  });
  afterAll(async () => {
    await s.app.close();
    await t.dispose();
  });

  it.each([
    ["title", `${NUL}=HYPERLINK("http://evil.example","x")`],
    ["title", `Serveur${NUL}`],
    ["username", `contact${NUL}@exemple.fr`],
    ["password", `Tr0ub4dor&3-Secret${NUL}`],
    ["signatureHtml", `<p>Cordialement${NUL}</p>`],
    ["senderName", `${NUL}Exemple`],
    ["mail", `contact@exemple.fr${NUL}`],
  ])("refuses %s holding NUL on create and update, and stores nothing", async (field, value) => {
    const before = await count("smtp_servers");
    expectNulRefused(
      await s.request("POST", "/api/v1/servers", serverBody({ [field]: value })),
      `POST ${field}`,
    );
    expectNulRefused(
      await s.request("PATCH", `/api/v1/servers/${serverId}`, { version: 1, [field]: value }),
      `PATCH ${field}`,
    );
    expect(await count("smtp_servers")).toBe(before);
    const stored = await t.ctx.db
      .selectFrom("smtp_servers")
      .select(["version", "title", "signature_html"])
      .where("id", "=", serverId)
      .executeTakeFirstOrThrow();
    expect(stored.version).toBe(1);
  });

  it("refuses a department name holding NUL (create and rename)", async () => {
    const before = await count("departments");
    expectNulRefused(await s.request("POST", "/api/v1/departments", { name: `Ventes${NUL}` }), "POST");
    expectNulRefused(
      await s.request("PATCH", `/api/v1/departments/${departmentId}`, { name: `${NUL}Ventes` }),
      "PATCH",
    );
    expect(await count("departments")).toBe(before);
  });

  it("refuses message text, html, subject and names holding NUL, and queues nothing", async () => {
    const before = await count("outbox_messages");
    const base = { to: "client@exemple.fr", subject: "Facture", text: "Bonjour" };
    for (const body of [
      { ...base, text: `Bonjour${NUL}` },
      { ...base, html: `<p>${NUL}</p>` },
      { ...base, subject: `Fact${NUL}ure` },
      { ...base, to: [{ address: "client@exemple.fr", name: `Client${NUL}` }] },
      { ...base, attachments: [{ filename: `f${NUL}.pdf`, content: "SGVsbG8=" }] },
    ])
      expectNulRefused(await s.request("POST", "/api/v1/messages", body), JSON.stringify(body));
    expect(await count("outbox_messages")).toBe(before);
  });

  it("refuses NUL in every other body: domains, API keys, preferences (values and keys), login, tests", async () => {
    const domainsBefore = await count("mail_domains");
    const cases: Array<[string, string, unknown]> = [
      [
        "POST",
        "/api/v1/clients/domains",
        {
          name: "nul-exemple.fr",
          displayName: `Exemple${NUL}`,
          incoming: [{ protocol: "imap", host: "imap.nul-exemple.fr", security: "tls" }],
          outgoing: [{ host: "smtp.nul-exemple.fr", security: "starttls" }],
        },
      ],
      ["POST", "/api/v1/api-keys", { name: `cle${NUL}` }],
      ["PUT", "/api/v1/preferences/ui.columns", { value: { note: `a${NUL}b` } }],
      ["PUT", "/api/v1/preferences/ui.columns", { value: { [`k${NUL}`]: 1 } }],
      ["POST", "/api/v1/auth/login", { email: `admin${NUL}@exemple.fr`, password: "x" }],
      ["POST", "/api/v1/servers/check", { password: `a${NUL}b` }],
      ["POST", `/api/v1/servers/${serverId}/test`, { to: `essai${NUL}@exemple.fr` }],
      [
        "POST",
        "/api/v1/diagnostics/test",
        { protocol: "pop3", host: "pop.exemple.fr", port: 995, security: "tls", user: `bob${NUL}` },
      ],
    ];
    for (const [method, url, body] of cases)
      expectNulRefused(await s.request(method, url, body), `${method} ${url} ${JSON.stringify(body)}`);
    expect(await count("mail_domains")).toBe(domainsBefore);
    const keys = await t.ctx.db.selectFrom("api_keys").select("name").execute();
    expect(keys.map((k) => k.name).some((n) => n.includes(NUL))).toBe(false);
    const preferences = await t.ctx.db.selectFrom("admin_preferences").select("value_json").execute();
    expect(preferences).toEqual([]);
  });

  it("quotes exported cells that start with a control character (a title stored before the fix)", async () => {
    // PostgreSQL cannot hold NUL at all; SQLite could, before the schemas refused it.
    const lead = kind === "sqlite" ? NUL : "\u0001";
    const titles = [`${lead}=HYPERLINK("http://evil.example","x")`, "\u001b=1+1", "\u200b=cmd|' /C calc'!A0"];
    const ids: number[] = [];
    for (const title of titles) {
      const created = await s.request(
        "POST",
        "/api/v1/servers",
        serverBody({ title: `Copie ${ids.length}` }),
      );
      const id = (created.json() as { server: { id: number } }).server.id;
      ids.push(id);
      await t.ctx.db.updateTable("smtp_servers").set({ title }).where("id", "=", id).execute();
    }
    const xlsx = await s.request("GET", "/api/v1/servers/export.xlsx?columns=id,title");
    expect(xlsx.statusCode, xlsx.body.slice(0, 200)).toBe(200);
    const rows = await readXlsx(xlsx.rawPayload);
    const csv = await s.request("GET", "/api/v1/servers/export.csv?columns=id,title&separator=comma");
    expect(csv.statusCode).toBe(200);
    const csvRows = parseCsv(csv.body.replace(/^\uFEFF/, ""), ",");
    for (const id of ids) {
      for (const [label, table] of [
        ["xlsx", rows],
        ["csv", csvRows],
      ] as const) {
        const row = table.find((r) => Number(r[0]) === id);
        const title = String(row?.[1]);
        expect(title.startsWith("'"), `${label} ${JSON.stringify(title)}`).toBe(true);
        // Whatever a spreadsheet drops in front, what remains never starts a formula.
        expect(title.replace(/^[\s\p{Cc}\p{Cf}]+/u, ""), label).not.toMatch(/^[=+\-@]/);
      }
    }
  });
});

describe("formula neutralising with leading invisible characters", () => {
  it.each(["\u0000=1+1", "\u0001@SUM(1)", "\n=1", "\u0085=1", "\u200b+1", "\uFEFF-1+2", "\u202e=1"])(
    "quotes %j",
    (value) => {
      expect(neutralizeFormula(value)).toBe(`'${value}`);
    },
  );

  it("leaves ordinary text, a leading space and numbers alone", () => {
    for (const value of ["Serveur", " Serveur", "smtp.exemple.fr", "Éric"])
      expect(neutralizeFormula(value)).toBe(value);
    expect(neutralizeFormula(-3)).toBe(-3);
  });
});
