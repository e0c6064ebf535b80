import fc from "fast-check";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { buildMime, headerAddress } from "../../src/sending/mime.js";

/**
 * The MIME writer is the last line of defence against header injection: whatever a stored display name,
 * subject or file name holds (a value written before the schemas refused control characters, or straight
 * into the database), the message keeps exactly its own headers, and a name reads back as typed.
 */
const LONG = process.env.FACTEUR_LONG === "1";
const BREAKS = ["\r", "\n", "\r\n", "\r\nBcc: x@exemple.fr", "\u0000", "\u0085", "\u2028", "\t", "\u000b"];

/** Text with line breaks and header-looking pieces at random places. */
const hostileText = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...BREAKS)), { maxLength: 8 })
  .map((parts) => parts.join(""));

const EXPECTED_TOP_HEADERS = [
  "from",
  "to",
  "cc",
  "reply-to",
  "subject",
  "message-id",
  "date",
  "mime-version",
];

function topHeaderNames(raw: Buffer): string[] {
  const text = raw.toString("utf8");
  const section = text.slice(0, text.indexOf("\r\n\r\n"));
  return section
    .replace(/\r\n[ \t]/g, " ")
    .split("\r\n")
    .map((line) => {
      expect(line, section).toMatch(/^[A-Za-z0-9-]+: /);
      return line.slice(0, line.indexOf(":")).toLowerCase();
    });
}

describe("MIME headers hold whatever a stored field holds", () => {
  it("writes one header per field for any display name, subject and file name (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileText,
        hostileText,
        hostileText,
        hostileText,
        async (name, subject, toName, file) => {
          const raw = buildMime({
            from: { address: "contact@exemple.fr", name },
            to: [{ address: "client@exemple.fr", name: toName }],
            cc: [{ address: "copie@exemple.fr" }],
            replyTo: "reponses@exemple.fr",
            subject,
            messageId: "<facteur.1.abc@exemple.fr>",
            date: new Date("2026-11-23T10:00:00Z"),
            text: "Bonjour",
            inline: [],
            attachments: [
              { filename: `${file}.pdf`, contentType: "application/pdf", contentBase64: "SGVsbG8=" },
            ],
          });
          const names = topHeaderNames(raw).filter((n) => n !== "content-type");
          expect(names.sort()).toEqual([...EXPECTED_TOP_HEADERS].sort());
          const parsed = await simpleParser(raw);
          expect(parsed.headers.has("bcc")).toBe(false);
          expect(parsed.from?.value).toHaveLength(1);
          expect(parsed.from?.value[0]?.address).toBe("contact@exemple.fr");
          expect((parsed.to as { value: unknown[] }).value).toHaveLength(1);
          // Part headers too: the attachment keeps its own headers only.
          const attachment = parsed.attachments[0]!;
          expect([...attachment.headers.keys()].sort()).toEqual(
            ["content-disposition", "content-transfer-encoding", "content-type"].sort(),
          );
        },
      ),
      { numRuns: LONG ? 2_000 : 200 },
    );
  });

  it("reads a display name with a line break back as typed (RFC 2047 word), not as a header", async () => {
    const raw = buildMime({
      from: { address: "contact@exemple.fr", name: "Inj\r\nBcc: x@exemple.fr" },
      to: [{ address: "client@exemple.fr" }],
      cc: [],
      subject: "Facture\r\nBcc: y@exemple.fr",
      messageId: "<facteur.1.abc@exemple.fr>",
      date: new Date("2026-11-23T10:00:00Z"),
      text: "Bonjour",
      inline: [],
      attachments: [],
    });
    expect(raw.toString()).toMatch(/^From: =\?UTF-8\?Q\?Inj=0D=0ABcc/m);
    const parsed = await simpleParser(raw);
    expect(parsed.headers.has("bcc")).toBe(false);
    expect(parsed.subject).toBe("Facture\r\nBcc: y@exemple.fr");
  });

  it.each([
    "contact@exemple.fr\r\nBcc: x@exemple.fr",
    "contact@exemple.fr\n",
    "a@b.fr>, <x@exemple.fr",
    "a b@exemple.fr",
    "a\u0000@exemple.fr",
    "",
  ])("refuses to write the address %j into a header (the message fails as EENVELOPE)", (address) => {
    expect(() => headerAddress(address)).toThrow(expect.objectContaining({ code: "EENVELOPE" }));
  });
});
