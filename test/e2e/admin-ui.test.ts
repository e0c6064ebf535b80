import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/auth/admin.service.js";
import { issueFirstRunToken } from "../../src/auth/first-run.service.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createDepartment } from "../../src/registry/department.service.js";
import { createServer, getServer, updateServer } from "../../src/registry/server.service.js";
import { createDomain } from "../../src/clients/domains/domain.service.js";
import { serverBody } from "../helpers/http.js";
import { addServer } from "../sending/helpers/fixtures.js";
import { startSmtpSink } from "../sending/helpers/smtp-sink.js";
import { parseCsv, pdfText, readXlsx } from "./files.js";
import {
  buildUi,
  E2E_ADMIN_EMAIL,
  launchChromium,
  newContext,
  screenshot,
  signIn,
  startFacteur,
  watchPageErrors,
  type RunningFacteur,
} from "./harness.js";

const STRONG_PASSWORD = "Tr0ub4dor&3-Secret";
const WEAK_PASSWORD = "motdepasse";

/** Titles of the rows on screen, top to bottom. */
async function rowTitles(page: Page): Promise<string[]> {
  return page.locator('tbody td[data-column="title"]').allTextContents();
}

/** Waits until the table shows exactly these titles (the list is fetched after a debounce). */
async function waitForTitles(page: Page, titles: string[]): Promise<void> {
  await page
    .waitForFunction(
      (expected) => {
        const cells = [...document.querySelectorAll('tbody td[data-column="title"]')].map(
          (c) => c.textContent,
        );
        return JSON.stringify(cells) === JSON.stringify(expected);
      },
      titles,
      { timeout: 10_000 },
    )
    .catch(async (error: unknown) => {
      throw new Error(
        `expected rows ${JSON.stringify(titles)}, saw ${JSON.stringify(await rowTitles(page))}: ${String(error)}`,
      );
    });
}

async function seedServer(facteur: RunningFacteur, overrides: Record<string, unknown>): Promise<void> {
  await createServer(facteur.test.ctx, createServerSchema.parse(serverBody(overrides)));
}

async function openColumns(page: Page): Promise<void> {
  await page.getByTestId("columns-button").click();
  await page.getByRole("group", { name: /Colonnes affichées|Visible columns/ }).waitFor();
}

async function toggleColumn(page: Page, label: string): Promise<void> {
  const saved = page.waitForResponse(
    (r) => r.url().includes("/api/v1/preferences/servers.columns") && r.request().method() !== "GET",
  );
  await page.getByRole("checkbox", { name: label, exact: true }).click();
  expect((await saved).ok()).toBe(true);
}

async function download(page: Page, format: "csv" | "xlsx" | "pdf"): Promise<{ path: string; name: string }> {
  await page.getByTestId("export-button").click();
  const item = page.locator(`[data-format="${format}"]`);
  expect(await item.isDisabled()).toBe(false);
  const [file] = await Promise.all([page.waitForEvent("download"), item.click()]);
  const path = await file.path();
  return { path, name: file.suggestedFilename() };
}

describe("admin UI in chromium", { timeout: 90_000 }, () => {
  let facteur: RunningFacteur;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    buildUi();
    facteur = await startFacteur();
    browser = await launchChromium();
    context = await newContext(browser);
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await facteur?.stop();
  });

  afterEach(async () => {
    // A failed step must not leave a dialog over the page for the next one.
    for (let i = 0; i < 3 && (await page.locator('[role="dialog"]').count()) > 0; i++)
      await page.keyboard.press("Escape");
  });

  it("refuses a wrong password with a message in words, then signs in", async () => {
    await page.goto(`${facteur.url}/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel("Adresse e-mail").fill(E2E_ADMIN_EMAIL);
    await page.getByLabel(/^Mot de passe/).fill("pas-le-bon");
    await page.getByRole("button", { name: "Se connecter" }).click();
    expect(await page.getByTestId("login-error").textContent()).toContain(
      "Adresse ou mot de passe incorrect",
    );
    await screenshot(page, "login-error-fr");
    await signIn(page, facteur.url);
    await page.getByText("Aucun serveur pour l'instant.").waitFor();
  });

  it("creates a server: a weak password is refused next to the field, a strong one is saved", async () => {
    await page.getByTestId("add-server").click();
    const form = page.getByTestId("server-form");
    await form.waitFor();
    // Nothing filled: every required field says so.
    await page.getByTestId("server-form-submit").click();
    expect(await form.getByText("Champ obligatoire.").count()).toBeGreaterThanOrEqual(3);
    expect(await form.getByText(/Le mot de passe est obligatoire/).count()).toBe(1);
    await screenshot(page, "server-form-errors-fr");

    await form.locator('input[name="title"]').fill("Serveur principal");
    await form.locator('input[name="host"]').fill("smtp.exemple.fr");
    await form.locator('input[name="mail"]').fill("contact@exemple.fr");
    await form.locator('input[name="senderName"]').fill("Exemple SARL");
    await form.locator('input[name="username"]').fill("contact@exemple.fr");
    await form.locator('input[name="password"]').fill(WEAK_PASSWORD);
    // A new server's signature opens in the visual editor: type, select, make it bold with the toolbar.
    const visual = page.getByTestId("signature-visual").locator(".ProseMirror");
    await visual.click();
    await page.keyboard.type("Exemple SARL");
    await page.keyboard.press("ControlOrMeta+A");
    await page.getByTestId("signature-visual").getByRole("button", { name: "Gras" }).click();
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="signature-preview"]')
        ?.getAttribute("srcdoc")
        ?.includes("<strong>Exemple SARL</strong>"),
    );
    await screenshot(page, "server-form-signature-visual-fr");
    // Hand-written HTML goes in the HTML tab (the visual text comes along).
    await page.getByTestId("signature-mode").getByText("HTML").click();
    expect(await page.getByTestId("signature-input").inputValue()).toContain("<strong>Exemple SARL</strong>");
    await page
      .getByTestId("signature-input")
      .fill(
        '<p><img src="cid:logo" alt="Logo" style="height: 40px"></p><p><strong>Exemple SARL</strong> — Service client</p><script>alert(1)</script><p onclick="x()">01 23 45 67 89 · <a href="https://exemple.fr">exemple.fr</a></p>',
      );
    // Logo: size and type are checked before anything is sent.
    const logoInput = form.locator('input[type="file"]');
    await logoInput.setInputFiles({
      name: "gros.png",
      mimeType: "image/png",
      buffer: Buffer.alloc(250 * 1024),
    });
    await form.getByText(/Image trop lourde/).waitFor();
    await logoInput.setInputFiles({
      name: "logo.svg",
      mimeType: "image/svg+xml",
      buffer: Buffer.from("<svg/>"),
    });
    await form.getByText(/Format non accepté/).waitFor();
    const logoPng = await page.evaluate(() => {
      const canvas = document.createElement("canvas");
      canvas.width = 160;
      canvas.height = 48;
      const g = canvas.getContext("2d")!;
      g.fillStyle = "#364fc7";
      g.fillRect(0, 0, 160, 48);
      g.fillStyle = "#ffffff";
      g.font = "bold 20px sans-serif";
      g.fillText("EXEMPLE", 30, 31);
      return canvas.toDataURL("image/png").split(",")[1]!;
    });
    await logoInput.setInputFiles({
      name: "logo.png",
      mimeType: "image/png",
      buffer: Buffer.from(logoPng, "base64"),
    });
    await page.getByTestId("server-form-submit").click();
    const weak = form.getByText(/Mot de passe trop faible/);
    await weak.waitFor();
    expect(await weak.textContent()).toContain("une lettre majuscule");
    expect(await form.locator('[data-criterion="upper"]').getAttribute("data-met")).toBe("false");

    // The preview shows the sanitised signature in a sandboxed frame: no script, no handler.
    const preview = page.getByTestId("signature-preview");
    expect(await preview.getAttribute("sandbox")).toBe("");
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="signature-preview"]')
        ?.getAttribute("srcdoc")
        ?.includes("data:image/png;base64,"),
    );
    const srcdoc = (await preview.getAttribute("srcdoc")) ?? "";
    expect(srcdoc).toContain("<strong>Exemple SARL</strong>");
    expect(srcdoc).not.toContain("cid:logo"); // shown with the picked image, as the recipient will see it
    expect(srcdoc).not.toContain("<script");
    expect(srcdoc).not.toContain("onclick");
    await preview.scrollIntoViewIfNeeded();
    await screenshot(page, "server-form-signature-fr");

    await form.locator('input[name="password"]').fill(STRONG_PASSWORD);
    expect(await form.locator('[data-criterion="upper"]').getAttribute("data-met")).toBe("true");
    const created = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/servers") && r.request().method() === "POST",
    );
    await page.getByTestId("server-form-submit").click();
    expect((await created).status()).toBe(201);
    await waitForTitles(page, ["Serveur principal"]);
    const row = page.locator("tbody tr").first();
    expect(await row.locator('td[data-column="host"]').textContent()).toBe("smtp.exemple.fr");
    expect(await row.locator('td[data-column="security"]').textContent()).toBe("STARTTLS");
    expect(await row.locator('td[data-column="usage"]').textContent()).toBe("Tous les services");
    expect(await row.locator('td[data-column="confirmation"]').textContent()).toBe("Jamais envoyé");
  });

  it("searches, sorts and pages on the server side", async () => {
    await seedServer(facteur, {
      title: "Alpha relais",
      host: "relais.exemple.fr",
      port: 465,
      security: "tls",
    });
    await seedServer(facteur, {
      title: "Gamma interne",
      host: "mx.interne.exemple.fr",
      mail: "gamma@exemple.fr",
    });
    await seedServer(facteur, { title: "=SOMME(1+1)", host: "formule.exemple.fr" });
    await page.getByTestId("servers-refresh").click();
    await waitForTitles(page, ["Serveur principal", "Alpha relais", "Gamma interne", "=SOMME(1+1)"]);

    await page.getByTestId("servers-search").fill("gamma");
    await waitForTitles(page, ["Gamma interne"]);
    await page.getByTestId("servers-search").fill("aucun-resultat");
    await page.getByText("Aucun serveur ne correspond à « aucun-resultat ».").waitFor();
    await page.getByTestId("servers-search").fill("");
    await waitForTitles(page, ["Serveur principal", "Alpha relais", "Gamma interne", "=SOMME(1+1)"]);

    const titleHeader = page.locator('th[data-column="title"] button');
    await titleHeader.click();
    await waitForTitles(page, ["=SOMME(1+1)", "Alpha relais", "Gamma interne", "Serveur principal"]);
    expect(await page.locator('th[data-column="title"]').getAttribute("aria-sort")).toBe("ascending");
    await titleHeader.click();
    await waitForTitles(page, ["Serveur principal", "Gamma interne", "Alpha relais", "=SOMME(1+1)"]);
    expect(await page.locator('th[data-column="title"]').getAttribute("aria-sort")).toBe("descending");
    await page.locator('th[data-column="port"] button').click();
    // The previous page stays on screen (aria-busy) until the server's sorted page arrives: wait for it.
    await page.locator('th[data-column="port"][aria-sort="ascending"]').waitFor();
    await page.locator('[data-testid="servers-table"][aria-busy="false"]').waitFor();
    const ports = await page.locator('tbody td[data-column="port"]').allTextContents();
    expect(ports).toEqual([...ports].sort((a, b) => Number(a) - Number(b)));
    await titleHeader.click(); // back to title, ascending
    await titleHeader.click(); // descending for the export checks
    await waitForTitles(page, ["Serveur principal", "Gamma interne", "Alpha relais", "=SOMME(1+1)"]);
  });

  it("hides a column, keeps it hidden after a reload, and Restaure brings it back", async () => {
    await openColumns(page);
    await toggleColumn(page, "Hôte");
    expect(await page.locator('th[data-column="host"]').count()).toBe(0);
    await page.keyboard.press("Escape");

    await page.reload();
    await page.getByRole("heading", { name: "Gestion des Serveurs de messagerie (SMTP)" }).waitFor();
    await page.locator("tbody tr[data-server-id]").first().waitFor();
    expect(await page.locator('th[data-column="title"]').count()).toBe(1);
    expect(await page.locator('th[data-column="host"]').count()).toBe(0);

    await openColumns(page);
    const restored = page.waitForResponse(
      (r) => r.url().includes("/preferences/servers.columns") && r.request().method() === "DELETE",
    );
    await page.getByTestId("columns-restore").click();
    expect((await restored).ok()).toBe(true);
    expect(await page.locator('th[data-column="host"]').count()).toBe(1);
    await page.keyboard.press("Escape");
    await page.reload();
    await page.locator("tbody tr[data-server-id]").first().waitFor();
    expect(await page.locator('th[data-column="host"]').count()).toBe(1);
    await screenshot(page, "servers-table-fr");
  });

  it("exports the current view (visible columns, search, sort) as CSV, Excel and PDF", async () => {
    // The reload reset the sort: title descending again, and hide "Utilisateur".
    await page.locator('th[data-column="title"] button').click();
    await page.locator('th[data-column="title"] button').click();
    await waitForTitles(page, ["Serveur principal", "Gamma interne", "Alpha relais", "=SOMME(1+1)"]);
    await openColumns(page);
    await toggleColumn(page, "Utilisateur");
    await page.keyboard.press("Escape");

    const csv = await download(page, "csv");
    expect(csv.name).toMatch(/\.csv$/);
    const csvText = readFileSync(csv.path, "utf8");
    const rows = parseCsv(csvText, ";").filter((r) => r.some((cell) => cell !== ""));
    const header = rows[0]!;
    expect(header).toEqual([
      "ID",
      "Titre",
      "Hôte",
      "Port",
      "Authentification",
      "Sécurité",
      "Mail",
      "Nom d'envoi",
      "Usage",
      "Confirmation",
    ]);
    const titleAt = header.indexOf("Titre");
    expect(rows.slice(1).map((r) => r[titleAt])).toEqual([
      "Serveur principal",
      "Gamma interne",
      "Alpha relais",
      "'=SOMME(1+1)",
    ]);
    expect(csvText).not.toContain(STRONG_PASSWORD);

    const xlsx = await download(page, "xlsx");
    expect(xlsx.name).toMatch(/\.xlsx$/);
    const sheet = await readXlsx(xlsx.path);
    const sheetHeader = sheet.find((r) => r.includes("Titre"))!;
    expect(sheetHeader).not.toContain("Utilisateur");
    const sheetTitles = sheet
      .slice(sheet.indexOf(sheetHeader) + 1)
      .map((r) => r[sheetHeader.indexOf("Titre")]);
    expect(sheetTitles).toEqual(["Serveur principal", "Gamma interne", "Alpha relais", "'=SOMME(1+1)"]);

    await page.getByTestId("servers-search").fill("gamma");
    await waitForTitles(page, ["Gamma interne"]);
    const pdf = await download(page, "pdf");
    expect(pdf.name).toMatch(/\.pdf$/);
    const text = pdfText(pdf.path);
    expect(text).toContain("Gamma interne");
    expect(text).toContain("mx.interne.exemple.fr");
    expect(text).not.toContain("Alpha relais");
    expect(text).not.toContain(STRONG_PASSWORD);

    await page.getByTestId("servers-search").fill("");
    await openColumns(page);
    await page.getByTestId("columns-restore").click();
    await page.keyboard.press("Escape");
  });

  it("sends the confirmation mail from Lien(s) with the spam-folder notice, and tests a server", async () => {
    const sink = await startSmtpSink();
    try {
      await addServer(facteur.test.ctx, {
        port: sink.port,
        title: "Relais local",
        confirmed: false,
        mail: "relais@exemple.fr",
      });
      await page.getByTestId("servers-search").fill("relais local");
      await waitForTitles(page, ["Relais local"]);
      const row = page.locator("tbody tr[data-server-id]").first();
      expect(await row.locator('td[data-column="confirmation"]').textContent()).toBe("Jamais envoyé");

      await row.getByTestId("send-confirmation").click();
      await page
        .getByText(/regarder dans vos indésirables/)
        .first()
        .waitFor();
      const [mail] = await sink.waitFor(1);
      expect(mail!.envelope.to).toEqual(["relais@exemple.fr"]);
      await row.locator('td[data-column="confirmation"]', { hasText: "En attente" }).waitFor();

      await row.getByRole("button", { name: "Tester la connexion à Relais local" }).click();
      const result = page.getByTestId("test-result");
      await result.waitFor({ timeout: 20_000 });
      expect(await result.getAttribute("data-ok")).toBe("true");
      expect(await result.textContent()).toContain("Connexion réussie");
      await screenshot(page, "server-test-fr");
      await page.keyboard.press("Escape");
      await row.locator('button[data-last-test="ok"]').waitFor();

      // Bulk test of the page, followed live over server-sent events.
      await page.getByTestId("bulk-test-button").click();
      const bulk = page.locator('[data-testid="bulk-test"][data-status="done"]');
      await bulk.waitFor({ timeout: 20_000 });
      expect(await bulk.textContent()).toContain("Terminé : 1 sur 1 en succès.");
      await page.keyboard.press("Escape");
      await page.getByTestId("servers-search").fill("");
    } finally {
      await sink.close();
    }
  });

  it("edits a server: the password stays write-only", async () => {
    await page.getByRole("button", { name: "Modifier Serveur principal" }).click();
    const form = page.getByTestId("server-form");
    const title = form.locator('input[name="title"]');
    await title.waitFor();
    expect(await title.inputValue()).toBe("Serveur principal");
    const password = form.locator('input[name="password"]');
    expect(await password.inputValue()).toBe("");
    expect(await password.getAttribute("placeholder")).toBe("inchangé");
    // The stored logo and the sanitised signature come back into the form.
    await form.getByRole("button", { name: "Retirer le logo" }).waitFor();
    // Its inline style would not survive the visual editor, so it opens in the HTML tab, with a warning there.
    expect(await page.getByTestId("signature-input").inputValue()).not.toContain("<script");
    await page.getByTestId("signature-mode").getByText("Mise en forme").click();
    await page.getByTestId("signature-lossy").waitFor();
    await page.getByTestId("signature-mode").getByText("HTML").click();
    await title.fill("Serveur principal (modifié)");
    const saved = page.waitForResponse(
      (r) => /\/api\/v1\/servers\/\d+$/.test(r.url()) && r.request().method() === "PATCH",
    );
    await page.getByTestId("server-form-submit").click();
    const response = await saved;
    expect(response.status()).toBe(200);
    expect(JSON.parse(response.request().postData() ?? "{}")).not.toHaveProperty("password");
    await page.locator('td[data-column="title"]', { hasText: "Serveur principal (modifié)" }).waitFor();
  });

  it("opens a signature the visual editor keeps as it is in the visual mode", async () => {
    await facteur.test.ctx.db
      .updateTable("smtp_servers")
      .set({ signature_html: "<p><strong>Exemple SARL</strong> — Service client</p>" })
      .where("title", "=", "Serveur principal (modifié)")
      .execute();
    await page.getByRole("button", { name: "Modifier Serveur principal (modifié)" }).click();
    const visual = page.getByTestId("signature-visual");
    await visual.locator(".ProseMirror strong", { hasText: "Exemple SARL" }).waitFor();
    expect(await page.getByTestId("signature-lossy").count()).toBe(0);
    await page.keyboard.press("Escape");
    await page.getByTestId("server-form").waitFor({ state: "detached" });
  });

  it("says so in words when someone else saved the server meanwhile (409), and reloads it", async () => {
    await page.getByRole("button", { name: "Modifier Alpha relais" }).click();
    const form = page.getByTestId("server-form");
    const title = form.locator('input[name="title"]');
    await title.waitFor();
    const id = Number(
      await page.locator("tbody tr", { hasText: "Alpha relais" }).getAttribute("data-server-id"),
    );
    const current = await getServer(facteur.test.ctx, id);
    await updateServer(facteur.test.ctx, id, { version: current.version, senderName: "Changé ailleurs" });
    await title.fill("Alpha relais (mon changement)");
    await page.getByTestId("server-form-submit").click();
    await form.getByText(/modifié par quelqu'un d'autre/).waitFor();
    await form.getByRole("button", { name: "Recharger le serveur" }).click();
    await page.waitForFunction(
      () =>
        (document.querySelector('input[name="senderName"]') as HTMLInputElement | null)?.value ===
        "Changé ailleurs",
    );
    await page.keyboard.press("Escape");
    await page.getByTestId("server-form").waitFor({ state: "detached" });
  });

  it("works with the keyboard: the dialog takes focus, Escape gives it back", async () => {
    const add = page.getByTestId("add-server");
    await add.focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("server-form").waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute("name") === "title");
    await page.keyboard.press("Escape");
    await page.getByTestId("server-form").waitFor({ state: "detached" });
    await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "add-server");
    // Sort headers are buttons: Enter sorts (a new column ascending, again descending).
    await page.locator('th[data-column="port"] button').focus();
    await page.keyboard.press("Enter");
    expect(await page.locator('th[data-column="port"]').getAttribute("aria-sort")).toBe("ascending");
    await page.keyboard.press("Enter");
    expect(await page.locator('th[data-column="port"]').getAttribute("aria-sort")).toBe("descending");
  });

  it("deletes a server after a confirmation dialog", async () => {
    await page.getByRole("button", { name: "Supprimer Gamma interne" }).click();
    const dialog = page.getByRole("dialog", { name: "Supprimer le serveur ?" });
    await dialog.waitFor();
    await dialog.getByTestId("confirm-delete").click();
    await dialog.waitFor({ state: "hidden" });
    await page
      .locator('td[data-column="title"]', { hasText: "Gamma interne" })
      .waitFor({ state: "detached" });
    expect(await rowTitles(page)).not.toContain("Gamma interne");
  });

  it("manages departments: create, rename, and a clear message when one in use is deleted", async () => {
    await page.getByRole("link", { name: "Services" }).click();
    await page.getByRole("heading", { name: "Services", level: 2 }).waitFor();
    await page.getByTestId("department-name").fill("Logistique");
    await page.getByRole("button", { name: "Ajouter" }).click();
    await page.locator('tr[data-department="Logistique"]').waitFor();
    await page.getByRole("button", { name: "Renommer Logistique" }).click();
    const renameDialog = page.getByRole("dialog", { name: "Renommer le service" });
    await renameDialog.getByRole("textbox").fill("Expédition");
    await renameDialog.getByRole("button", { name: "Enregistrer" }).click();
    await page.locator('tr[data-department="Expédition"]').waitFor();

    const used = await createDepartment(facteur.test.ctx, "Comptabilité");
    await seedServer(facteur, { title: "Compta", usage: { mode: "custom", departmentIds: [used.id] } });
    await page.reload();
    await page.getByRole("button", { name: "Supprimer Comptabilité" }).click();
    const dialog = page.getByRole("dialog", { name: "Supprimer le service ?" });
    await dialog.getByTestId("confirm-delete-department").click();
    await dialog.getByTestId("department-delete-error").waitFor();
    await screenshot(page, "departments-delete-in-use-fr");
    expect(await dialog.getByTestId("department-delete-error").textContent()).toContain(
      "Ce service est utilisé par des serveurs",
    );
    await dialog.getByRole("button", { name: "Annuler" }).click();
    await page.getByRole("link", { name: "Serveurs SMTP" }).click();
    await page.locator('td[data-column="usage"]', { hasText: "Comptabilité" }).waitFor();
  });

  it("lists queued messages, filters them and opens one", async () => {
    const { key } = await createApiKey(facteur.test.ctx, "e2e");
    // Routing needs a confirmed server; the worker is off in this test, so messages stay queued.
    await addServer(facteur.test.ctx, { port: 2525, title: "Relais confirmé", confirmed: true });
    for (const to of ["client@exemple.fr", "fournisseur@exemple.fr"]) {
      const queued = await facteur.app.inject({
        method: "POST",
        url: "/api/v1/messages",
        headers: { authorization: `Bearer ${key}` },
        payload: { to: [to], subject: `Facture pour ${to}`, text: "Bonjour" },
      });
      expect(queued.statusCode, queued.body).toBe(202);
    }
    await page.getByRole("link", { name: "Messages" }).click();
    await page.getByRole("heading", { name: "Messages envoyés" }).waitFor();
    await page.locator("tr[data-message-id]").nth(1).waitFor();
    await page.getByLabel("Destinataire").fill("fournisseur");
    await page.waitForFunction(() => document.querySelectorAll("tr[data-message-id]").length === 1);
    const row = page.locator("tr[data-message-id]").first();
    expect(await row.textContent()).toContain("Facture pour fournisseur@exemple.fr");
    expect(await row.textContent()).toContain("En file");
    await row.getByRole("button").first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Tentatives").waitFor();
    await screenshot(page, "messages-fr");
    await page.keyboard.press("Escape");
    await page.getByRole("link", { name: "Serveurs SMTP" }).click();
    await page.getByRole("heading", { name: "Gestion des Serveurs de messagerie (SMTP)" }).waitFor();
  });

  it("finds a mail client's settings and offers the step-by-step guides", async () => {
    await page.getByRole("link", { name: "Clients mail" }).click();
    await page.getByRole("heading", { name: "Configuration des logiciels de messagerie" }).waitFor();
    await page.getByTestId("discover-email").fill("jean@orange.fr");
    await page.getByRole("button", { name: "Trouver les réglages" }).click();
    const result = page.getByTestId("discovery-result");
    await result.getByText("imap.orange.fr").waitFor();
    expect(await result.textContent()).toContain("jean@orange.fr"); // the login, resolved for this address
    const guide = result.getByRole("link", { name: /^Guide / }).first();
    const href = (await guide.getAttribute("href")) ?? "";
    const html = await page.request.get(new URL(href, facteur.url).toString());
    expect(html.status()).toBe(200);
    expect(html.headers()["content-type"]).toContain("text/html");
    await screenshot(page, "client-setup-fr");

    await page.getByTestId("discover-email").fill("jean@inconnu-xyz.fr");
    await page.getByRole("button", { name: "Trouver les réglages" }).click();
    await result.getByText("Aucun réglage trouvé pour inconnu-xyz.fr.").waitFor();
    await page.getByRole("link", { name: "Serveurs SMTP" }).click();
    await page.getByRole("heading", { name: "Gestion des Serveurs de messagerie (SMTP)" }).waitFor();
  });

  it("switches to English, remembered after a reload", async () => {
    await page.getByText("EN", { exact: true }).click();
    await page.getByRole("heading", { name: "Mail servers (SMTP)" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.reload();
    await page.getByRole("heading", { name: "Mail servers (SMTP)" }).waitFor();
    await page.locator("tbody tr[data-server-id]").first().waitFor();
    expect(await page.locator('th[data-column="host"]').textContent()).toContain("Host");
    expect(await page.locator('td[data-column="usage"]').first().textContent()).toBe("All departments");
    await screenshot(page, "servers-table-en");
    await page.getByTestId("add-server").click();
    await page.getByTestId("server-form").waitFor();
    await page.getByTestId("server-form-submit").click();
    await page.getByText("Required field.").first().waitFor();
    await screenshot(page, "server-form-errors-en");
    await page.keyboard.press("Escape");
    await page.getByText("FR", { exact: true }).click();
    await page.getByRole("heading", { name: "Gestion des Serveurs de messagerie (SMTP)" }).waitFor();
  });

  it("pages on the server side", async () => {
    for (let i = 1; i <= 55; i++) {
      await seedServer(facteur, {
        title: `Lot ${String(i).padStart(2, "0")}`,
        host: `smtp${i}.lot.exemple.fr`,
      });
    }
    await page.getByTestId("servers-search").fill("lot ");
    await page.waitForFunction(() => document.querySelectorAll("tbody tr[data-server-id]").length === 50);
    expect(await page.getByTestId("servers-total").textContent()).toContain("55 serveurs · 1–50 sur 55");
    const nextPage = page.waitForResponse(
      (r) => r.url().includes("/api/v1/servers?") && r.url().includes("page=2"),
    );
    await page.getByRole("button", { name: "2", exact: true }).click();
    await nextPage;
    await waitForTitles(page, ["Lot 51", "Lot 52", "Lot 53", "Lot 54", "Lot 55"]);
    expect(await page.getByTestId("servers-total").textContent()).toContain("51–55 sur 55");
    await page.getByTestId("servers-search").fill("");
  });

  it("is usable at phone width", async () => {
    const phone = await newContext(browser, { width: 390, height: 844 });
    const small = await phone.newPage();
    const errors = watchPageErrors(small);
    await signIn(small, facteur.url);
    await small.locator("tbody tr[data-server-id]").first().waitFor();
    const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0); // the table scrolls inside its container, not the page
    await screenshot(small, "servers-table-phone");
    await small.getByTestId("add-server").click();
    await small.getByTestId("server-form").waitFor();
    await screenshot(small, "server-form-phone");
    expect(errors).toEqual([]);
    await phone.close();
  });

  it("raised no uncaught error in the page", () => {
    expect(pageErrors).toEqual([]);
  });
});

describe("first-run setup in chromium", { timeout: 90_000 }, () => {
  let facteur: RunningFacteur;
  let browser: Browser;

  beforeAll(async () => {
    facteur = await startFacteur({ withAdmin: false });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await facteur?.stop();
  });

  it("creates the first admin from the printed setup link", async () => {
    const token = await issueFirstRunToken(facteur.test.ctx);
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${facteur.url}/first-run?token=${encodeURIComponent(token)}`);
    await page.getByRole("heading", { name: "Première installation" }).waitFor();
    await page.getByLabel(/^Adresse e-mail/).fill("premiere@exemple.fr");
    await page.getByLabel(/^Mot de passe/).fill("Premier!Admin-2026");
    await page.getByLabel(/^Confirmez le mot de passe/).fill("Premier!Admin-2026");
    await screenshot(page, "setup-fr");
    await page.getByRole("button", { name: "Créer le compte administrateur" }).click();
    await page.getByRole("heading", { name: "Gestion des Serveurs de messagerie (SMTP)" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });
});

/**
 * Stored XSS, rendered: markup stored in every text field an admin or an application can fill is shown as
 * text on every page that displays it, and never runs. Each payload would set `window.__xss` (or open a
 * dialog) if a page injected it as HTML.
 */
describe("stored markup rendered in chromium never runs", { timeout: 90_000 }, () => {
  const payload = (n: number) =>
    [
      `<img src=x onerror=window.__xss=${n}>`,
      `<svg onload=window.__xss=${n}>`,
      `"><script>window.__xss=${n}</script>`,
      `<a href="javascript:window.__xss=${n}">lien</a>`,
    ][n % 4]!;
  let facteur: RunningFacteur;
  let browser: Browser;
  let page: Page;
  const dialogs: string[] = [];
  let errors: string[] = [];

  beforeAll(async () => {
    buildUi();
    facteur = await startFacteur();
    const ctx = facteur.test.ctx;
    const department = await createDepartment(ctx, payload(1));
    await seedServer(facteur, {
      title: payload(2),
      senderName: payload(3),
      username: payload(4),
      signatureHtml: `<p>${payload(5)}</p>`,
      usage: { mode: "custom", departmentIds: [department.id] },
    });
    await addServer(ctx, { port: 2525, title: payload(6), confirmed: true });
    const { key } = await createApiKey(ctx, "xss");
    const queued = await facteur.app.inject({
      method: "POST",
      url: "/api/v1/messages",
      headers: { authorization: `Bearer ${key}` },
      payload: { to: [{ address: "client@exemple.fr", name: payload(7) }], subject: payload(8), text: "x" },
    });
    expect(queued.statusCode, queued.body).toBe(202);
    await createDomain(ctx, {
      name: "exemple-xss.fr",
      displayName: payload(9),
      incoming: [{ protocol: "imap", host: "imap.exemple-xss.fr", security: "tls" }],
      outgoing: [{ host: "smtp.exemple-xss.fr", security: "starttls" }],
    });
    browser = await launchChromium();
    const context = await newContext(browser);
    page = await context.newPage();
    errors = watchPageErrors(page);
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page, facteur.url);
  });
  afterAll(async () => {
    await browser?.close();
    await facteur?.stop();
  });

  async function expectInert(where: string): Promise<void> {
    // Give an onerror/onload handler the time to fire if the markup had been injected.
    await page.waitForTimeout(300);
    const injected = await page.evaluate(() => ({
      flag: (window as unknown as { __xss?: number }).__xss ?? null,
      elements: document.querySelectorAll('img[src="x"], svg[onload], a[href^="javascript:"]').length,
      scripts: [...document.scripts].filter((s) => s.textContent?.includes("__xss")).length,
    }));
    expect(injected, where).toEqual({ flag: null, elements: 0, scripts: 0 });
    expect(dialogs, where).toEqual([]);
    expect(errors, where).toEqual([]);
  }

  it("servers table: title, sender name, user and department show as text", async () => {
    await page.locator("tbody tr[data-server-id]").first().waitFor();
    const text = (await page.locator("tbody").textContent()) ?? "";
    for (const n of [1, 2, 3, 4, 6]) expect(text, payload(n)).toContain(payload(n));
    await expectInert("servers table");
  });

  it("edit form and signature preview", async () => {
    await page
      .locator("tbody tr[data-server-id]")
      .filter({ hasText: payload(2) })
      .getByRole("button", { name: /Modifier/ })
      .click();
    const form = page.getByTestId("server-form");
    expect(await form.locator('input[name="title"]').inputValue()).toBe(payload(2));
    // The stored signature was sanitised on save: the handler is gone, the text around it stays.
    const srcdoc = (await page.getByTestId("signature-preview").getAttribute("srcdoc")) ?? "";
    expect(srcdoc).not.toContain("onerror");
    await expectInert("server form");
    await page.keyboard.press("Escape");
  });

  it("departments, messages and client setup pages", async () => {
    await page.getByRole("link", { name: "Services" }).click();
    await page.getByText(payload(1), { exact: true }).first().waitFor();
    await expectInert("departments");

    await page.getByRole("link", { name: "Messages" }).click();
    await page.getByText(payload(8), { exact: true }).first().waitFor();
    await expectInert("messages list");

    await page.getByRole("link", { name: "Clients mail" }).click();
    await page.getByTestId("discover-email").fill("jean@exemple-xss.fr");
    await page.getByRole("button", { name: "Trouver les réglages" }).click();
    await page.getByTestId("discovery-result").getByText("imap.exemple-xss.fr").first().waitFor();
    await expectInert("client setup");
  });

  it("(control) the check does see markup that a page injects", async () => {
    await page.evaluate((html) => {
      const div = document.createElement("div");
      div.innerHTML = html; // what a page must never do with stored text
      document.body.append(div);
    }, payload(0));
    await expect(expectInert("control")).rejects.toThrow();
  });
});
