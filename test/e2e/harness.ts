import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { createAdmin } from "../../src/auth/admin.service.js";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import { createTestContext, type TestContext } from "../helpers/context.js";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/**
 * Where e2e screenshots go: a temp folder by default, so `npm test` leaves the clone clean;
 * `FACTEUR_SCREENSHOTS_DIR=docs/screenshots npm test` refreshes the ones the docs show.
 */
export const SCREENSHOTS_DIR = process.env.FACTEUR_SCREENSHOTS_DIR
  ? resolve(process.env.FACTEUR_SCREENSHOTS_DIR)
  : join(tmpdir(), "facteur-screenshots");
export const CHROMIUM_PATH = process.env.FACTEUR_CHROMIUM ?? "/usr/bin/chromium";
export const E2E_ADMIN_EMAIL = "admin@exemple.fr";
export const E2E_ADMIN_PASSWORD = "Facteur!Admin-2026";

/** Flags for Debian's chromium in a container: no sandbox (no user namespaces), no background traffic. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

let built = false;

/**
 * Builds the admin UI into web/dist (what `facteur serve` serves) when stale, once per test file. Fails loudly: never a
 * silent skip.
 */
export function buildUi(): void {
  if (built) return;
  // The same script as `npm run build`: skipped when web/ and src/ are unchanged since the last build, one
  // build at a time when several test files ask at once.
  execFileSync("node", ["scripts/build.mjs", "--only", "web"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
    timeout: 180_000,
  });
  if (!existsSync(join(REPO_ROOT, "web", "dist", "index.html")))
    throw new Error("vite build produced no web/dist/index.html");
  built = true;
}

export interface RunningFacteur {
  url: string;
  app: FacteurApp;
  test: TestContext;
  stop(): Promise<void>;
}

/** A real Facteur (Fastify on an ephemeral port, fresh SQLite database) with one admin unless told otherwise. */
export async function startFacteur(options: { withAdmin?: boolean } = {}): Promise<RunningFacteur> {
  // Diagnostics reach the tests' own SMTP servers on 127.0.0.1: createTestContext allows loopback (test/helpers/targets.ts).
  const test = await createTestContext("sqlite");
  const app = await buildApp(test.ctx);
  if (options.withAdmin !== false) await createAdmin(test.ctx, E2E_ADMIN_EMAIL, E2E_ADMIN_PASSWORD);
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: address,
    app,
    test,
    async stop() {
      await app.close();
      await test.dispose();
    },
  };
}

/** Debian's chromium through playwright-core. A missing browser throws: the e2e suite fails, it is not skipped. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `chromium not found at ${CHROMIUM_PATH}: install it (apt-get install chromium) — e2e tests are never skipped`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export async function newContext(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport,
    locale: "fr-FR",
    acceptDownloads: true,
    reducedMotion: "reduce",
  });
  context.setDefaultTimeout(10_000); // fail within the test timeout, with the locator in the message
  return context;
}

/** Collects uncaught page errors so a test can assert the UI threw none. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage });
}

export async function signIn(
  page: Page,
  url: string,
  email = E2E_ADMIN_EMAIL,
  password = E2E_ADMIN_PASSWORD,
): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel(/^Mot de passe/).fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("heading", { name: "Gestion des Serveurs de messagerie (SMTP)" }).waitFor();
}

/**
 * Follows the page's requests so a test can wait until none is in flight. Playwright's "networkidle" load
 * state belongs to the document's load and is not reset by client-side navigation, and on a busy machine it
 * can miss its window; this tracker counts the requests themselves.
 */
export function trackRequests(page: Page): { quiet(timeoutMs?: number, quietMs?: number): Promise<void> } {
  let inFlight = 0;
  let lastChange = Date.now();
  const change = (delta: number): void => {
    inFlight = Math.max(0, inFlight + delta);
    lastChange = Date.now();
  };
  page.on("request", () => change(1));
  page.on("requestfinished", () => change(-1));
  page.on("requestfailed", () => change(-1));
  return {
    async quiet(timeoutMs = 20_000, quietMs = 300) {
      const deadline = Date.now() + timeoutMs;
      while (inFlight > 0 || Date.now() - lastChange < quietMs) {
        if (Date.now() > deadline)
          throw new Error(`${inFlight} request(s) still in flight after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}
