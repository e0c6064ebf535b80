import type { z } from "zod";
import type { FieldIssue } from "./errors.js";
import { FIELD_TEXT } from "./smtp-server.js";

type Bilingual = { fr: string; en: string };

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

/** FR/EN text for zod's built-in issue kinds, so every field error reads as a sentence in both languages. */
function genericText(issue: z.core.$ZodIssue): Bilingual {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return { fr: "Champ obligatoire.", en: "Required field." };
      return { fr: `Type attendu : ${issue.expected}.`, en: `Expected type: ${issue.expected}.` };
    case "too_small":
      if (issue.origin === "string")
        return issue.minimum === 1
          ? { fr: "Champ obligatoire.", en: "Required field." }
          : { fr: `Au moins ${issue.minimum} caractères.`, en: `At least ${issue.minimum} characters.` };
      return { fr: `Valeur minimale : ${issue.minimum}.`, en: `Minimum value: ${issue.minimum}.` };
    case "too_big":
      if (issue.origin === "string")
        return { fr: `Au plus ${issue.maximum} caractères.`, en: `At most ${issue.maximum} characters.` };
      return { fr: `Valeur maximale : ${issue.maximum}.`, en: `Maximum value: ${issue.maximum}.` };
    case "invalid_value":
      return {
        fr: `Valeur non permise ; choix possibles : ${issue.values.join(", ")}.`,
        en: `Value not allowed; choose one of: ${issue.values.join(", ")}.`,
      };
    case "unrecognized_keys":
      return {
        fr: `Champ(s) inconnu(s) : ${issue.keys.join(", ")}.`,
        en: `Unknown field(s): ${issue.keys.join(", ")}.`,
      };
    case "invalid_union":
      return { fr: "Valeur invalide.", en: "Invalid value." };
    case "invalid_format":
      return { fr: `Format invalide (${issue.format}).`, en: `Invalid format (${issue.format}).` };
    default:
      return { fr: "Valeur invalide.", en: issue.message || "Invalid value." };
  }
}

/** Turns zod issues into field issues with a stable code and FR/EN text. */
export function zodIssuesToFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    const params = (issue as { params?: Record<string, unknown> }).params;
    const custom = params?.code as keyof typeof FIELD_TEXT | undefined;
    if (custom && custom in FIELD_TEXT) {
      const text = FIELD_TEXT[custom];
      const missing = (params?.missing ?? { fr: "", en: "" }) as Bilingual;
      return {
        path,
        code: custom,
        fr: fill(text.fr, { missing: missing.fr }),
        en: fill(text.en, { missing: missing.en }),
      };
    }
    return { path, code: issue.code.toUpperCase(), ...genericText(issue) };
  });
}
