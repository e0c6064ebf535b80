import { afterEach, describe, expect, it } from "vitest";
import { CATALOG, cliLang, t, type MessageKey } from "../../src/cli/messages.js";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("CLI message catalog", () => {
  const saved = { FACTEUR_LANG: process.env.FACTEUR_LANG, LANG: process.env.LANG };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  });

  it("has the same keys and the same parameters in French and English", () => {
    expect(Object.keys(CATALOG.en).sort()).toEqual(Object.keys(CATALOG.fr).sort());
    for (const key of Object.keys(CATALOG.fr) as MessageKey[])
      expect(placeholders(CATALOG.en[key]), key).toEqual(placeholders(CATALOG.fr[key]));
  });

  it("fills parameters once (a value holding braces stays as it is) and keeps unknown ones", () => {
    expect(t("servers.saved", { id: 3, version: "{id}" }, "en")).toBe("Server #3 saved (version {id}).");
    expect(t("servers.saved", { id: 3 }, "fr")).toBe("Serveur #3 enregistré (version {version}).");
  });

  it("speaks the language of FACTEUR_LANG, then LANG, French by default", () => {
    process.env.FACTEUR_LANG = "en";
    expect(cliLang()).toBe("en");
    expect(t("apikeys.revoked")).toBe("Key revoked.");
    delete process.env.FACTEUR_LANG;
    process.env.LANG = "fr_FR.UTF-8";
    expect(t("apikeys.revoked")).toBe("Clé révoquée.");
    delete process.env.LANG;
    expect(cliLang()).toBe("fr");
  });
});
