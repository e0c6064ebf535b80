import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildGuide } from "../../src/clients/guides/guide.js";
import { renderGuideHtml } from "../../src/clients/guides/render-html.js";
import { server, type MailSettings } from "../../src/clients/model.js";

/**
 * Two guides rendered in chromium, as a person sees them and as they print. Screenshots go to
 * FACTEUR_SCREENSHOTS_DIR (e.g. docs/screenshots) or a temp folder, to be looked at.
 */
const CHROMIUM_PATH = process.env.FACTEUR_CHROMIUM ?? "/usr/bin/chromium";
const OUT = process.env.FACTEUR_SCREENSHOTS_DIR ?? join(tmpdir(), "facteur-guide-screens");
const SETTINGS: MailSettings = {
  domain: "exemple.fr",
  displayName: "Exemple",
  incoming: [server("imap", "imap.exemple.fr", "tls")],
  outgoing: [server("smtp", "smtp.exemple.fr", "starttls")],
};
const discovery = {
  email: "marie.curie@exemple.fr",
  domain: "exemple.fr",
  found: true,
  source: "admin" as const,
  confidence: "high" as const,
  settings: SETTINGS,
  provider: null,
  steps: [],
  probes: [],
  advice: null,
};

describe("guide pages in chromium", { timeout: 90_000 }, () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const [clientId, lang, width] of [
    ["ios-mail", "fr", 390],
    ["outlook-express", "en", 1024],
  ] as const) {
    it(`renders the ${clientId} guide (${lang}) readable on a ${width}px screen and on paper`, async () => {
      const html = await renderGuideHtml(
        buildGuide({
          clientId,
          lang,
          discovery,
          mobileconfigUrl: "https://facteur.exemple.fr/mobileconfig?emailaddress=marie.curie%40exemple.fr",
        }),
      );
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.setContent(html, { waitUntil: "load" });
      expect(await page.locator("h1").textContent()).toContain("marie.curie@exemple.fr");
      const qrWidth = await page.locator(".qr img").evaluate((img) => (img as HTMLImageElement).naturalWidth);
      expect(qrWidth).toBeGreaterThan(100);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: join(OUT, `guide-${clientId}-${lang}.png`), fullPage: true });
      await page.emulateMedia({ media: "print" });
      expect(await page.locator(".noprint").isVisible()).toBe(false);
      await page.close();
    });
  }
});
