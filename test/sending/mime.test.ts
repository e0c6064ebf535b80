import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { buildMime } from "../../src/sending/mime.js";

const base = {
  from: { address: "facturation@exemple.fr", name: 'Service Facturation, Exemple "SARL"' },
  to: [{ address: "alice@exemple.fr", name: "Aline Dupré" }],
  cc: [{ address: "bob@exemple.fr" }],
  subject: "Votre facture n°42 — échéance le 30/11 ".repeat(3).trim(),
  messageId: "<facteur.1.abc@exemple.fr>",
  date: new Date("2026-11-23T10:00:00Z"),
  inline: [],
  attachments: [],
};

describe("buildMime", () => {
  it("writes headers mailparser reads back, non-ASCII included", async () => {
    const raw = buildMime({ ...base, text: "Bonjour,\nvoici la facture.\n" });
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(base.subject);
    expect(parsed.from?.value[0]).toEqual({ address: base.from.address, name: base.from.name });
    expect((parsed.to as { value: unknown[] }).value[0]).toEqual({
      address: "alice@exemple.fr",
      name: "Aline Dupré",
    });
    expect(parsed.messageId).toBe(base.messageId);
    expect(parsed.date?.toISOString()).toBe("2026-11-23T10:00:00.000Z");
    expect(parsed.text).toBe("Bonjour,\nvoici la facture.\n");
    expect(
      raw
        .toString()
        .split("\r\n")
        .every((line) => line.length <= 998),
    ).toBe(true);
  });

  it("nests text, HTML, inline logo and attachments the way mail clients expect", async () => {
    const raw = buildMime({
      ...base,
      text: "Texte accentué, ligne très longue ".repeat(10),
      html: '<p>HTML é</p><img src="cid:logo">',
      inline: [
        {
          filename: "logo.png",
          contentType: "image/png",
          contentBase64: Buffer.from("PNG").toString("base64"),
          cid: "logo",
        },
      ],
      attachments: [
        {
          filename: "relevé d'août.pdf",
          contentType: "application/pdf",
          contentBase64: Buffer.alloc(300, 7).toString("base64"),
        },
      ],
    });
    const text = raw.toString();
    expect(text).toMatch(/Content-Type: multipart\/mixed/);
    expect(text).toMatch(/Content-Type: multipart\/alternative/);
    expect(text).toMatch(/Content-Type: multipart\/related/);
    const parsed = await simpleParser(raw);
    expect(parsed.html).toContain("HTML é");
    expect(parsed.text).toContain("ligne très longue");
    const logo = parsed.attachments.find((a) => a.cid === "logo");
    expect(logo?.content.toString()).toBe("PNG");
    const pdf = parsed.attachments.find((a) => a.contentType === "application/pdf");
    expect(pdf?.filename).toBe("relevé d'août.pdf");
    expect(pdf?.content.equals(Buffer.alloc(300, 7))).toBe(true);
  });
});
