import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnosticsErrors } from "../../src/domain/codes/diagnostics.js";

function locale(lang: "fr" | "en"): { codes: Record<string, string>; steps: Record<string, string> } {
  return JSON.parse(
    readFileSync(new URL(`../../src/i18n/locales/${lang}/diagnostics.json`, import.meta.url), "utf8"),
  ) as {
    codes: Record<string, string>;
    steps: Record<string, string>;
  };
}

describe("diagnostics locales", () => {
  it.each(["fr", "en"] as const)("%s carries every code with the same text as the code table", (lang) => {
    const { codes } = locale(lang);
    expect(Object.keys(codes).sort()).toEqual(Object.keys(diagnosticsErrors).sort());
    for (const [code, definition] of Object.entries(diagnosticsErrors))
      expect(codes[code], code).toBe(definition[lang]);
  });

  it("has the same keys in French and English", () => {
    const keys = (value: unknown, prefix = ""): string[] =>
      typeof value === "object" && value !== null
        ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix];
    expect(keys(locale("fr")).sort()).toEqual(keys(locale("en")).sort());
  });
});
