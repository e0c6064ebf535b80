import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { neutralizeFormula } from "../../src/export/neutralize.js";

describe("formula neutralisation of exported cells", () => {
  it.each(["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")'])(
    "prefixes %j with a quote so spreadsheets show it as text",
    (value) => {
      expect(neutralizeFormula(value)).toBe(`'${value}`);
    },
  );

  it("leaves numbers, empty cells and ordinary text alone", () => {
    expect(neutralizeFormula(-2)).toBe(-2);
    expect(neutralizeFormula("")).toBe("");
    expect(neutralizeFormula("smtp.exemple.fr")).toBe("smtp.exemple.fr");
    expect(neutralizeFormula("<script>")).toBe("<script>");
  });

  it("never returns text a spreadsheet would evaluate, and changes nothing else", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const out = neutralizeFormula(value) as string;
        expect(out).not.toMatch(/^[=+\-@\t\r]/);
        expect(out === value || out === `'${value}`).toBe(true);
      }),
    );
  });
});
