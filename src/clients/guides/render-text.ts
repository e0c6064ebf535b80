import type { Guide, Segment } from "./guide.js";

/** Terminal rendering of a guide (for `facteur guide` without --pdf/--html). */
export function renderGuideText(guide: Guide): string {
  const L = (fr: string, en: string) => (guide.lang === "fr" ? fr : en);
  const line = (parts: Segment[]) => parts.map((p) => p.text).join("");
  const out = [guide.title, guide.platform, guide.sourceLine, ""];
  if (guide.automatic)
    out.push(
      `${L("Configuration automatique", "Automatic setup")}:`,
      `  ${line(guide.automatic.segments)}`,
      "",
    );
  if (guide.mobileconfigUrl) out.push(`${L("Profil Apple", "Apple profile")}: ${guide.mobileconfigUrl}`, "");
  for (const w of guide.warnings) out.push(`! ${w}`);
  if (guide.warnings.length > 0) out.push("");
  out.push(guide.copyText, "");
  out.push(`${guide.automatic ? L("Configuration manuelle", "Manual setup") : L("Étapes", "Steps")}:`);
  guide.steps.forEach((s, i) => out.push(`  ${i + 1}. ${line(s)}`));
  for (const n of guide.notes) out.push("", n);
  return out.join("\n");
}
