import type { ExportCell } from "./labels.js";

/**
 * First characters that make a spreadsheet read a cell as a formula (CSV/formula injection, OWASP):
 * `=`, `+`, `-`, `@`, and tab / carriage return which some spreadsheets strip before evaluating.
 */
const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);
/**
 * What a spreadsheet may drop or ignore before it looks for a formula: controls (NUL, which the XML of XLSX
 * cannot hold, LF, NEL…), format characters (zero-width, bidi marks, BOM) and white space. A cell starting
 * with any of them is neutralised too: `\u0000=cmd` must not become `=cmd` once the NUL is dropped.
 */
const IGNORED_LEAD = /^[\s\p{Cc}\p{Cf}]/u;

/**
 * Makes a text cell inert in a spreadsheet by prefixing a single quote, the mitigation OWASP recommends:
 * Excel and LibreOffice then show the text as typed and never evaluate it. Numbers are left alone
 * (a negative number is data, not a formula, and only ids and ports are numeric).
 */
export function neutralizeFormula(cell: ExportCell): ExportCell {
  if (typeof cell !== "string" || cell.length === 0) return cell;
  const first = cell[0]!;
  // A leading control or invisible character is quoted whatever follows: nothing legitimate starts so.
  const inert = !FORMULA_TRIGGERS.has(first) && (first === " " || !IGNORED_LEAD.test(first));
  return inert ? cell : `'${cell}`;
}
