import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Guide, Segment } from "./guide.js";

/**
 * PDF of a guide (A4, printable). The standard Helvetica font covers Windows-1252 only, so characters
 * outside it (e.g. Thunderbird's "≡" menu) are replaced by words or "?" instead of printing garbage.
 */
const CP1252_EXTRAS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
const REPLACEMENTS: Record<string, string> = { "≡": "Menu", "→": ">", "☰": "Menu" };

export function toWinAnsi(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (
      code === 10 ||
      (code >= 32 && code <= 126) ||
      (code >= 160 && code <= 255) ||
      CP1252_EXTRAS.includes(ch)
    )
      out += ch;
    else out += REPLACEMENTS[ch] ?? "?";
  }
  return out;
}

const MARGIN = 50;
const QR_SIZE = 120;

function writeSegments(doc: PDFKit.PDFDocument, parts: Segment[], options: PDFKit.Mixins.TextOptions = {}) {
  parts.forEach((p, i) => {
    doc
      .font(p.value ? "Helvetica-Bold" : "Helvetica")
      .text(toWinAnsi(p.text), { ...options, continued: i < parts.length - 1 });
  });
  doc.font("Helvetica");
}

export async function renderGuidePdf(guide: Guide): Promise<Buffer> {
  const L = (fr: string, en: string) => (guide.lang === "fr" ? fr : en);
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    info: { Title: toWinAnsi(guide.title), Author: "Facteur" },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  async function writeQr() {
    if (!guide.mobileconfigUrl) return;
    const png = await QRCode.toBuffer(guide.mobileconfigUrl, {
      errorCorrectionLevel: "M",
      margin: 1,
      width: 300,
    });
    doc.moveDown(0.5);
    if (doc.y + QR_SIZE > doc.page.height - MARGIN) doc.addPage(); // keep the code whole on one page
    const y = doc.y;
    doc.image(png, MARGIN, y, { width: QR_SIZE, height: QR_SIZE });
    doc.text(
      toWinAnsi(
        L(
          "Sur iPhone, iPad ou Mac : scannez ce code ou ouvrez",
          "On iPhone, iPad or Mac: scan this code or open",
        ),
      ),
      MARGIN + QR_SIZE + 15,
      y + 20,
    );
    doc
      .fillColor("#1f5fbf")
      .text(toWinAnsi(guide.mobileconfigUrl), { link: guide.mobileconfigUrl })
      .fillColor("black");
    doc.x = MARGIN;
    doc.y = y + QR_SIZE + 5;
  }
  const heading = (text: string) =>
    doc
      .moveDown(0.8)
      .font("Helvetica-Bold")
      .fontSize(13)
      .text(toWinAnsi(text))
      .font("Helvetica")
      .fontSize(11);

  doc.font("Helvetica-Bold").fontSize(18).text(toWinAnsi(guide.title));
  doc
    .font("Helvetica")
    .fontSize(10)
    .fillColor("#555")
    .text(toWinAnsi(guide.platform))
    .text(toWinAnsi(guide.sourceLine))
    .fillColor("black")
    .fontSize(11);

  if (guide.automatic) {
    heading(L("Configuration automatique", "Automatic setup"));
    writeSegments(doc, guide.automatic.segments);
  }
  const qrFirst = guide.automatic?.kind === "mobileconfig";
  if (qrFirst) await writeQr();
  for (const w of guide.warnings)
    doc.moveDown(0.4).fillColor("#8a5300").text(toWinAnsi(w)).fillColor("black");

  const table = (title: string, rows: Guide["incoming"]) => {
    heading(title);
    for (const r of rows) {
      doc
        .font("Helvetica")
        .text(toWinAnsi(`${r.label} : `), { continued: true })
        .font("Helvetica-Bold")
        .text(toWinAnsi(r.value))
        .font("Helvetica");
    }
  };
  table(L("Serveur entrant", "Incoming server"), guide.incoming);
  table(L("Serveur sortant (SMTP)", "Outgoing server (SMTP)"), guide.outgoing);

  heading(guide.automatic ? L("Configuration manuelle", "Manual setup") : L("Étapes", "Steps"));
  guide.steps.forEach((step, i) => {
    doc.moveDown(0.3);
    writeSegments(doc, [{ text: `${i + 1}. ` }, ...step]);
  });
  for (const n of guide.notes) doc.moveDown(0.5).fillColor("#1f5fbf").text(toWinAnsi(n)).fillColor("black");

  if (!qrFirst) await writeQr();
  heading(L("Réglages à copier", "Settings to copy"));
  doc.font("Courier").fontSize(10).text(toWinAnsi(guide.copyText));
  doc.end();
  return done;
}
