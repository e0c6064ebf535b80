import type { ExportCell } from "./labels.js";

/**
 * First characters that make a spreadsheet read a cell as a formula (CSV/formula injection, OWASP):
 * `=`, `+`, `-`, `@`, and tab / carriage return which some spreadsheets strip before evaluating.
 */
const FORMULA_TRIGGERS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/**
 * Makes a text cell inert in a spreadsheet by prefixing a single quote, the mitigation OWASP recommends:
 * Excel and LibreOffice then show the text as typed and never evaluate it. Numbers are left alone
 * (a negative number is data, not a formula, and only ids and ports are numeric).
 */
export function neutralizeFormula(cell: ExportCell): ExportCell {
  if (typeof cell !== "string" || cell.length === 0) return cell;
  return FORMULA_TRIGGERS.has(cell[0]!) ? `'${cell}` : cell;
}
