import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildUi,
  launchChromium,
  newContext,
  screenshot,
  signIn,
  startFacteur,
  watchPageErrors,
  type RunningFacteur,
} from "./harness.js";

describe("API keys page in chromium", { timeout: 90_000 }, () => {
  let facteur: RunningFacteur;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    buildUi();
    facteur = await startFacteur();
    browser = await launchChromium();
    page = await (await newContext(browser)).newPage();
    pageErrors = watchPageErrors(page);
    await signIn(page, facteur.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await facteur?.stop();
  });

  it("creates a key with its scopes, shows it once, lists its scopes, and revokes it", async () => {
    await page.getByRole("link", { name: "Clés d'API" }).click();
    await page.getByRole("heading", { name: "Clés d'API" }).waitFor();
    await page.getByText("Aucune clé pour l'instant.").waitFor();
    // Send is chosen by default; add read.
    expect(await page.getByTestId("api-key-scope-send").isChecked()).toBe(true);
    await page.getByTestId("api-key-name").fill("ERP comptable");
    await page.getByTestId("api-key-scope-read").check();
    await page.getByRole("button", { name: "Créer la clé" }).click();
    const key = (await page.getByTestId("api-key-value").textContent())?.trim() ?? "";
    expect(key).toMatch(/^fct_/);
    await page.getByText("Portées : Envoi, Lecture").waitFor();
    await page.getByRole("button", { name: "Fermer" }).click();

    // The key works with exactly these scopes.
    const call = (method: "GET" | "POST", url: string) =>
      facteur.app.inject({ method, url, headers: { authorization: `Bearer ${key}` } });
    expect((await call("GET", "/api/v1/servers")).statusCode).toBe(200);
    expect((await call("GET", "/api/v1/api-keys")).statusCode).toBe(403);

    const row = page.locator('tr[data-api-key="ERP comptable"]');
    await row.waitFor();
    await screenshot(page, "api-keys-fr");
    expect(await row.textContent()).toContain("Envoi");
    expect(await row.textContent()).toContain("Lecture");
    expect(await row.textContent()).not.toContain(key); // listed by its prefix only
    await row.getByRole("button", { name: "Révoquer la clé ERP comptable" }).click();
    await page.getByTestId("confirm-revoke-api-key").click();
    await row.getByText(/^Révoquée le/).waitFor();
    expect((await call("GET", "/api/v1/servers")).statusCode).toBe(401);
    expect(pageErrors).toEqual([]);
  });
});
