import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import enCommon from "../../src/i18n/locales/en/common.json" with { type: "json" };
import enRegistry from "../../src/i18n/locales/en/registry.json" with { type: "json" };
import enUi from "../../src/i18n/locales/en/ui.json" with { type: "json" };
import frCommon from "../../src/i18n/locales/fr/common.json" with { type: "json" };
import frRegistry from "../../src/i18n/locales/fr/registry.json" with { type: "json" };
import frUi from "../../src/i18n/locales/fr/ui.json" with { type: "json" };

/** UI languages; French is the default, English complete. Strings live in src/i18n/locales (shared with server/CLI). */
export const LANGS = ["fr", "en"] as const;
export type Lang = (typeof LANGS)[number];
export const LANG_STORAGE_KEY = "facteur.lang";

export function isLang(value: unknown): value is Lang {
  return value === "fr" || value === "en";
}

/** The language remembered in this browser, else French. */
export function initialLang(): Lang {
  try {
    const stored = window.localStorage.getItem(LANG_STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // storage disabled: fall back to the default
  }
  return "fr";
}

void i18n.use(initReactI18next).init({
  resources: {
    fr: { common: frCommon, registry: frRegistry, ui: frUi },
    en: { common: enCommon, registry: enRegistry, ui: enUi },
  },
  lng: initialLang(),
  fallbackLng: "fr",
  defaultNS: "common",
  ns: ["common", "registry", "ui"],
  interpolation: { escapeValue: false }, // React escapes
  returnNull: false,
});

export function currentLang(): Lang {
  return isLang(i18n.language) ? i18n.language : "fr";
}

export default i18n;
