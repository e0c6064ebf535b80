import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerSchema, SERVER_COLUMNS } from "../../src/domain/smtp-server.js";
import { COLUMN_LABELS } from "../../src/export/labels.js";
import { createDepartment, listDepartments } from "../../src/registry/department.service.js";
import { createServer, listServers } from "../../src/registry/server.service.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { parseCsv, pdfText, readXlsx } from "./files.js";
import { signIn, type ExportClient } from "./signed-in.js";

const PASSWORD = "Tr0ub4dor&3-Secret";
const FIXED_NOW = new Date("2026-03-14T09:26:53.000Z");
const BOM = "\uFEFF";

function body(overrides: Record<string, unknown>) {
  return createServerSchema.parse({
    title: "Serveur",
    host: "smtp.exemple.fr",
    port: 587,
    authentication: "password",
    security: "starttls",
    mail: "contact@exemple.fr",
    senderName: "Exemple",
    username: "contact@exemple.fr",
    password: PASSWORD,
    ...overrides,
  });
}

describe.each(STORE_KINDS)("export of the servers table on %s", (kind) => {
  let t: TestContext;
  let client: ExportClient;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestContext(kind, { now: () => FIXED_NOW });
    client = await signIn(t.ctx);
    // The migration may already provide the seed's departments (Achat, Vente, Production).
    const department = async (name: string) =>
      (await listDepartments(t.ctx)).find((d) => d.name === name) ?? (await createDepartment(t.ctx, name));
    const achat = await department("Achat");
    const vente = await department("Vente");
    const create = async (name: string, overrides: Record<string, unknown>) => {
      ids[name] = (await createServer(t.ctx, body(overrides))).server.id;
    };
    await create("formula", {
      title: "=cmd|' /C calc'!A0",
      host: "smtp.alpha.fr",
      port: 465,
      security: "tls",
      mail: "contact@alpha.fr",
      senderName: "+1",
      username: "-2",
    });
    await create("at", {
      title: "@SUM(1)",
      host: "smtp.beta.fr",
      authentication: "encrypted_password",
      mail: "ventes@beta.fr",
      senderName: "<script>alert(1)</script>",
      username: "ventes@beta.fr",
      usage: { mode: "custom", departmentIds: [vente.id, achat.id] },
    });
    await create("plain", {
      title: "Équipe Vente",
      host: "mail.vente.fr",
      port: 25,
      security: "none",
      authentication: "none",
      password: undefined,
      mail: "equipe@vente.fr",
      senderName: "Équipe",
      username: "equipe",
    });
    await create("quotes", {
      title: 'Comptes; "guillemets", virgules',
      host: "smtp.gamma.fr",
      authentication: "oauth2",
      mail: "compta@gamma.fr",
      senderName: "Compta",
      username: "compta@gamma.fr",
    });
    const at = FIXED_NOW.toISOString();
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ confirmation_sent_at: at, confirmed_at: at })
      .where("id", "=", ids.formula!)
      .execute();
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ confirmation_sent_at: at })
      .where("id", "=", ids.at!)
      .execute();
  });
  afterAll(async () => {
    await client?.app.close();
    await t?.dispose();
  });

  const get = (url: string, auth: "session" | "apiKey" = "session") =>
    client.app.inject({
      method: "GET",
      url,
      headers:
        auth === "session" ? { cookie: client.sessionCookie } : { authorization: `Bearer ${client.apiKey}` },
    });

  it("streams the whole table as a French CSV with a BOM, `;` and human values, formulas neutralised", async () => {
    const response = await get("/api/v1/servers/export.csv");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="serveurs-smtp-2026-03-14.csv"',
    );
    const text = response.rawPayload.toString("utf8");
    expect(text.startsWith(BOM)).toBe(true);
    const [header, ...rows] = parseCsv(text.slice(1), ";");
    expect(header).toEqual([
      "ID",
      "Titre",
      "Hôte",
      "Port",
      "Authentification",
      "Sécurité",
      "Mail",
      "Nom d'envoi",
      "Utilisateur",
      "Usage",
      "Confirmation",
    ]);
    expect(rows.map((r) => Number(r[0]))).toEqual([ids.formula, ids.at, ids.plain, ids.quotes]);
    expect(rows[0]).toEqual([
      String(ids.formula),
      "'=cmd|' /C calc'!A0",
      "smtp.alpha.fr",
      "465",
      "Mot de passe normal",
      "SSL/TLS",
      "contact@alpha.fr",
      "'+1",
      "'-2",
      "Tous les services",
      "Confirmé",
    ]);
    expect(rows[1]).toEqual([
      String(ids.at),
      "'@SUM(1)",
      "smtp.beta.fr",
      "587",
      "Mot de passe chiffré",
      "STARTTLS",
      "ventes@beta.fr",
      "<script>alert(1)</script>",
      "ventes@beta.fr",
      "Achat, Vente",
      "En attente",
    ]);
    expect(rows[2]!.slice(4, 6)).toEqual(["Aucune", "Aucune"]);
    expect(rows[2]![10]).toBe("Jamais envoyé");
    expect(rows[3]![1]).toBe('Comptes; "guillemets", virgules');
    expect(rows[3]![4]).toBe("OAuth2");
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toMatch(/v1\./); // no password envelope either
  });

  it("exports only the visible columns, in their order, with the search and sort of the view (API key, English)", async () => {
    const response = await get(
      "/api/v1/servers/export.csv?q=SMTP&sort=title&order=desc&columns=security,title,host&lang=en",
      "apiKey",
    );
    expect(response.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(response.rawPayload.toString("utf8").slice(1), ",");
    expect(header).toEqual(["Security", "Title", "Host"]);
    // "smtp" matches the alpha, beta and gamma hosts, not mail.vente.fr; the order is the list API's.
    const view = await listServers(t.ctx, { q: "SMTP", sort: "title", order: "desc", page: 1, pageSize: 50 });
    expect(rows.map((r) => r[2])).toEqual(view.items.map((s) => s.host));
    expect([...rows].sort()).toEqual([
      ["SSL/TLS", "'=cmd|' /C calc'!A0", "smtp.alpha.fr"],
      ["STARTTLS", "'@SUM(1)", "smtp.beta.fr"],
      ["STARTTLS", 'Comptes; "guillemets", virgules', "smtp.gamma.fr"],
    ]);
  });

  it("streams an .xlsx with typed, neutralised cells and no password", async () => {
    const response = await get("/api/v1/servers/export.xlsx?columns=id,title,senderName,usage,confirmation");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    );
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="serveurs-smtp-2026-03-14.xlsx"',
    );
    const rows = await readXlsx(response.rawPayload);
    expect(rows[0]).toEqual(["ID", "Titre", "Nom d'envoi", "Usage", "Confirmation"]);
    expect(rows.slice(1)).toEqual([
      [ids.formula, "'=cmd|' /C calc'!A0", "'+1", "Tous les services", "Confirmé"],
      [ids.at, "'@SUM(1)", "<script>alert(1)</script>", "Achat, Vente", "En attente"],
      [ids.plain, "Équipe Vente", "Équipe", "Tous les services", "Jamais envoyé"],
      [ids.quotes, 'Comptes; "guillemets", virgules', "Compta", "Tous les services", "Jamais envoyé"],
    ]);
    expect(JSON.stringify(rows)).not.toContain(PASSWORD);
  });

  it("streams a landscape PDF with title, date, search term, headers and rows", async () => {
    const response = await get("/api/v1/servers/export.pdf?q=vente&columns=title,host,security,usage");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/pdf");
    expect(response.headers["content-disposition"]).toBe(
      'attachment; filename="serveurs-smtp-2026-03-14.pdf"',
    );
    const text = pdfText(response.rawPayload);
    expect(text).toContain("Serveurs de messagerie (SMTP)");
    expect(text).toContain("14 mars 2026");
    expect(text).toContain("Recherche : « vente »");
    for (const label of ["Titre", "Hôte", "Sécurité", "Usage"]) expect(text).toContain(label);
    expect(text).not.toContain("Authentification");
    expect(text).toContain("Équipe Vente");
    expect(text).toContain("mail.vente.fr");
    expect(text).toContain("@SUM(1)"); // ventes@beta.fr matches; a PDF is not a spreadsheet: shown as typed
    expect(text).toContain("Achat, Vente");
    expect(text).not.toContain("smtp.alpha.fr");
    expect(text).toContain("Page 1");
    expect(text).not.toContain(PASSWORD);
  });

  it("keeps /api/v1/servers/:id and the export paths apart", async () => {
    expect((await get(`/api/v1/servers/${ids.plain}`)).json()).toMatchObject({ title: "Équipe Vente" });
    expect((await get("/api/v1/servers/export.json")).statusCode).toBe(422);
  });

  it("refuses anonymous callers, unknown columns and unknown sorts", async () => {
    const anonymous = await client.app.inject({ method: "GET", url: "/api/v1/servers/export.csv" });
    expect(anonymous.statusCode).toBe(401);
    const badColumn = await get("/api/v1/servers/export.csv?columns=title,password");
    expect(badColumn.statusCode).toBe(422);
    expect(badColumn.json()).toMatchObject({ error: { code: "VALIDATION_FAILED" } });
    expect((await get("/api/v1/servers/export.pdf?sort=password")).statusCode).toBe(422);
  });

  it("documents the three export routes in the OpenAPI document", async () => {
    const response = await get("/api/v1/openapi.json");
    expect(response.statusCode).toBe(200);
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    for (const format of ["csv", "xlsx", "pdf"]) expect(paths).toContain(`/api/v1/servers/export.${format}`);
  });

  it("names every seed column in both languages", () => {
    for (const lang of ["fr", "en"] as const)
      expect(Object.keys(COLUMN_LABELS[lang]).sort()).toEqual([...SERVER_COLUMNS].sort());
  });
});
