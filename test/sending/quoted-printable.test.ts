import fc from "fast-check";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { encodeQuotedPrintable } from "../../src/sending/quoted-printable.js";

const crlf = (s: string) => s.replace(/\r?\n|\r/g, "\r\n");

/** Decoded by mailparser (libqp), an implementation independent of ours. */
async function decode(encoded: string): Promise<string> {
  const raw = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${encoded}`;
  return ((await simpleParser(raw)).text ?? "").replace(/\n/g, "\r\n");
}

function checkShape(encoded: string): void {
  for (const line of encoded.split("\r\n")) {
    expect(line.length).toBeLessThanOrEqual(76);
    expect(line).toMatch(/^[\x21-\x7e \t]*$/); // printable ASCII only
    expect(line).not.toMatch(/[ \t]$/); // RFC 2045 §6.7 rule 3: no trailing white space
    expect(line).not.toMatch(/=(?![0-9A-F]{2}|$)/); // every "=" is a triplet or a soft break
  }
}

describe("encodeQuotedPrintable", () => {
  it("decodes back to the same text, with valid lines, for any text", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.string({ maxLength: 50 }),
        async (a, b) => {
          const text = crlf(a + "\n" + b + " \t");
          const encoded = encodeQuotedPrintable(text);
          checkShape(encoded);
          expect(await decode(encoded)).toBe(text);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps readable French text readable and encodes what must be encoded", () => {
    const text = "Bonjour Aline,\r\nvoici la facture n°42 = 120 € \r\n.fin\t";
    const encoded = encodeQuotedPrintable(text);
    expect(encoded).toBe("Bonjour Aline,\r\nvoici la facture n=C2=B042 =3D 120 =E2=82=AC=20\r\n.fin=09");
  });

  it("wraps long lines with soft breaks that never split an escape", async () => {
    const text = "é".repeat(100) + "a".repeat(200);
    const encoded = encodeQuotedPrintable(text);
    checkShape(encoded);
    expect(encoded.split("\r\n").length).toBeGreaterThan(8);
    expect(await decode(encoded)).toBe(text);
  });
});
