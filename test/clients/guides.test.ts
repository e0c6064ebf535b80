import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DiscoveryDeps } from "../../src/clients/discovery/discover.js";
import { buildGuide, CLIENT_GUIDES, CLIENT_IDS } from "../../src/clients/guides/guide.js";
import { escapeHtml, renderGuideHtml } from "../../src/clients/guides/render-html.js";
import { renderGuidePdf, toWinAnsi } from "../../src/clients/guides/render-pdf.js";
import { guideForAddress } from "../../src/clients/guides/service.js";
import { server, type MailSettings } from "../../src/clients/model.js";

const ADMIN: MailSettings = {
  domain: "exemple.fr",
  displayName: 'Exemple <script>alert("x")</script>',
  incoming: [
    server("imap", "imap.exemple.fr", "tls"),
    server("pop3", "pop.exemple.fr", "tls", { username: "%EMAILLOCALPART%" }),
  ],
  outgoing: [server("smtp", "smtp.exemple.fr", "starttls")],
  note: { fr: "Note <b>admin</b>", en: "Admin <b>note</b>" },
};

const noDns = async () => [];
const deps: DiscoveryDeps = {
  adminSettings: async (d) => (d === "exemple.fr" ? ADMIN : null),
  resolver: { resolveSrv: noDns, resolveMx: noDns, resolve4: noDns, resolve6: noDns, resolveCname: noDns },
  fetch: async () => new Response(null, { status: 404 }),
};
const PUBLIC_URL = "https://facteur.exemple.fr";

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "facteur-pdf-"));
  try {
    writeFileSync(join(dir, "g.pdf"), pdf);
    // Lines wrap wherever the page ends: compare with whitespace collapsed.
    return execFileSync("pdftotext", [join(dir, "g.pdf"), "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("guides", () => {
  it("covers the seed's clients and today's", () => {
    expect(CLIENT_IDS).toEqual(
      expect.arrayContaining([
        "outlook",
        "outlook-classic",
        "outlook-2007",
        "outlook-2000-xp",
        "outlook-98",
        "outlook-express",
        "thunderbird",
        "apple-mail",
        "ios-mail",
        "android",
        "gmail-app",
        "windows-mail",
      ]),
    );
  });

  it("fills every client's steps with the person's values in FR and EN, leaving no placeholder", async () => {
    for (const client of CLIENT_GUIDES) {
      for (const lang of ["fr", "en"] as const) {
        const guide = await guideForAddress("o'neil&co@exemple.fr", client.id, lang, deps, {
          publicUrl: PUBLIC_URL,
        });
        const text = guide.steps
          .flat()
          .map((s) => s.text)
          .join(" ");
        expect(text, `${client.id}/${lang}`).not.toMatch(/\{\w+\}/);
        expect(text, `${client.id}/${lang}`).toContain("imap.exemple.fr");
        expect(guide.incoming.find((r) => r.value === "993")).toBeDefined();
        expect(guide.copyText).toContain("smtp.exemple.fr:587 STARTTLS");
      }
    }
  });

  it("says first when the client can set itself up, and offers the profile for the admin's domain", async () => {
    const ios = await guideForAddress("marie@exemple.fr", "ios-mail", "fr", deps, { publicUrl: PUBLIC_URL });
    expect(ios.automatic?.kind).toBe("mobileconfig");
    expect(ios.mobileconfigUrl).toBe(
      "https://facteur.exemple.fr/mobileconfig?emailaddress=marie%40exemple.fr",
    );
    const gmail = await guideForAddress("jean@gmail.com", "gmail-app", "en", deps, { publicUrl: PUBLIC_URL });
    expect(gmail.automatic?.kind).toBe("provider-sign-in");
    expect(gmail.mobileconfigUrl).toBeNull();
    const appleForProvider = await guideForAddress("jean@orange.fr", "ios-mail", "fr", deps, {
      publicUrl: PUBLIC_URL,
    });
    expect(appleForProvider.automatic).toBeNull();
    const oe = await guideForAddress("marie@exemple.fr", "outlook-express", "fr", deps, {
      publicUrl: PUBLIC_URL,
    });
    expect(oe.automatic).toBeNull();
    expect(oe.warnings.join(" ")).toMatch(/n'est plus mis à jour/);
    expect(oe.warnings.join(" ")).toMatch(/STARTTLS/);
  });

  it("uses each client's own words for security (Outlook 2007 calls STARTTLS 'TLS')", async () => {
    const g = await guideForAddress("marie@exemple.fr", "outlook-2007", "fr", deps, {
      publicUrl: PUBLIC_URL,
    });
    expect(g.steps[3]!.filter((s) => s.value).map((s) => s.text)).toEqual(["993", "SSL", "587", "TLS"]);
  });

  it("can write the POP3 variant with the POP3 login form", async () => {
    const g = await guideForAddress("marie@exemple.fr", "thunderbird", "fr", deps, {
      publicUrl: PUBLIC_URL,
      incomingProtocol: "pop3",
    });
    expect(g.incoming.map((r) => r.value)).toEqual(
      expect.arrayContaining(["POP3", "pop.exemple.fr", "995", "marie"]),
    );
  });

  it("refuses an unknown client and answers 'not found' for an unknown domain", async () => {
    await expect(
      guideForAddress("a@exemple.fr", "eudora", "fr", deps, { publicUrl: PUBLIC_URL }),
    ).rejects.toMatchObject({ code: "GUIDE_CLIENT_UNKNOWN" });
    await expect(
      guideForAddress("a@inconnu.test", "thunderbird", "fr", deps, { publicUrl: PUBLIC_URL }),
    ).rejects.toMatchObject({ code: "MAIL_SETTINGS_NOT_FOUND" });
  });

  it("renders printable HTML with every value escaped, a copy block and a QR code", async () => {
    const guide = await guideForAddress("o'neil&co@exemple.fr", "thunderbird", "fr", deps, {
      publicUrl: PUBLIC_URL,
    });
    const html = await renderGuideHtml(guide);
    expect(html).toMatch(/^<!doctype html>\n<html lang="fr">/);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>admin</b>");
    expect(html).toContain("Note &lt;b&gt;admin&lt;/b&gt;");
    expect(html).toContain("o&#39;neil&amp;co@exemple.fr");
    expect(html).not.toMatch(/o'neil&co/);
    expect(html).toContain("<textarea readonly");
    expect(html).toMatch(/<img alt="[^"]+" src="data:image\/png;base64,/);
    expect(html).toContain("@media print");
    expect(html.indexOf("Configuration automatique")).toBeLessThan(html.indexOf("Configuration manuelle"));
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;",
    );
  });

  it("renders a PDF whose extracted text holds the person's values", async () => {
    const guide = buildGuide({
      clientId: "outlook-express",
      lang: "fr",
      discovery: {
        email: "marie.curie@exemple.fr",
        domain: "exemple.fr",
        found: true,
        source: "admin",
        confidence: "high",
        settings: ADMIN,
        provider: null,
        steps: [],
        probes: [],
        advice: null,
      },
      mobileconfigUrl: "https://facteur.exemple.fr/mobileconfig?emailaddress=marie.curie%40exemple.fr",
    });
    const pdf = await renderGuidePdf(guide);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const text = pdfText(pdf);
    for (const expected of [
      "Configurer marie.curie@exemple.fr dans Outlook Express",
      "imap.exemple.fr",
      "smtp.exemple.fr",
      "993",
      "587",
      "Mon serveur requiert une authentification",
      "Réglages à copier",
    ]) {
      expect(text).toContain(expected);
    }
    const en = pdfText(
      await renderGuidePdf({
        ...guide,
        ...buildGuide({
          clientId: "thunderbird",
          lang: "en",
          discovery: {
            email: "a@exemple.fr",
            domain: "exemple.fr",
            found: true,
            source: "admin",
            confidence: "high",
            settings: ADMIN,
            provider: null,
            steps: [],
            probes: [],
            advice: null,
          },
        }),
      }),
    );
    expect(en).toContain("Set up a@exemple.fr in Thunderbird");
    expect(en).toContain("“Menu” > “New” > “Existing Mail Account”");
  });

  it("keeps PDF text to the standard font's characters", () => {
    expect(toWinAnsi("« ≡ » é € ✓")).toBe("« Menu » é € ?");
  });
});
