import type { Readable } from "node:stream";
import PDFDocument from "pdfkit";
import type { ServerColumn } from "../domain/smtp-server.js";
import type { ExportTable } from "./export-table.js";
import type { ExportCell } from "./labels.js";
import { PacedReadable } from "./paced-readable.js";

const MARGIN_PT = 30;
const TITLE_SIZE_PT = 14;
const CAPTION_SIZE_PT = 8;
const CELL_SIZE_PT = 7.5;
const ROW_HEIGHT_PT = 13; // one line of 7.5 pt text plus padding
const CELL_PADDING_PT = 3;
const FOOTER_HEIGHT_PT = 18;
const ELLIPSIS = "…";

/** Relative widths of the columns; the visible ones share the page width in these proportions. */
const COLUMN_WEIGHT: Record<ServerColumn, number> = {
  id: 0.55,
  title: 1.6,
  host: 1.6,
  port: 0.5,
  authentication: 1.25,
  security: 0.8,
  mail: 1.8,
  senderName: 1.3,
  username: 1.6,
  usage: 1.3,
  confirmation: 0.95,
};

const CAPTION_TEXT = {
  fr: { generated: "Généré le", search: "Recherche", sort: "Tri", page: "Page" },
  en: { generated: "Generated on", search: "Search", sort: "Sort", page: "Page" },
} as const;

/**
 * The standard PDF fonts (Helvetica) encode Windows-1252 only: line breaks would start new lines and the
 * narrow no-break space of French dates has no glyph, so both become plain spaces.
 */
function printable(value: ExportCell): string {
  return String(value).replace(/[\r\n\t\u202f\u00a0]+/g, " ");
}

/**
 * Streams the table as a landscape A4 PDF: title, date and search term on every page, a repeated header
 * row and "Page n" at the bottom. Pages are flushed as they are finished (pdfkit without `bufferPages`),
 * which is also why the footer says "Page n" and not "n / total": the total is unknown until the end.
 */
export function renderPdf(table: ExportTable): Readable {
  const output = new PacedReadable();
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin: MARGIN_PT,
    bufferPages: false,
    info: { Title: table.title, Creator: "Facteur" },
  });
  doc.on("data", (chunk: Buffer) => output.write(chunk));
  doc.on("end", () => output.push(null));
  void writePages(doc, table, output).catch((error: unknown) => output.destroy(error as Error));
  return output;
}

async function writePages(doc: PDFKit.PDFDocument, table: ExportTable, output: PacedReadable): Promise<void> {
  const text = CAPTION_TEXT[table.lang];
  const pageWidth = doc.page.width - 2 * MARGIN_PT;
  const totalWeight = table.columns.reduce((sum, c) => sum + COLUMN_WEIGHT[c], 0);
  const widths = table.columns.map((c) => (COLUMN_WEIGHT[c] / totalWeight) * pageWidth);
  const lefts = widths.map((_, i) => MARGIN_PT + widths.slice(0, i).reduce((a, b) => a + b, 0));
  const dateText = printable(
    new Intl.DateTimeFormat(table.lang === "fr" ? "fr-FR" : "en-GB", {
      dateStyle: "long",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(table.generatedAt),
  );
  const caption = [
    `${text.generated} ${dateText} UTC`,
    table.search ? `${text.search} : « ${printable(table.search)} »` : null,
    `${text.sort} : ${table.sortCaption}`,
  ]
    .filter(Boolean)
    .join("   ·   ");
  const bottom = doc.page.height - MARGIN_PT - FOOTER_HEIGHT_PT;
  let pageNumber = 0;
  let y = 0;

  // Character widths of the cell fonts, measured once per character: pdfkit's widthOfString looks up a
  // kerning pair for every character, which made measuring cost as much as drawing. Ignoring kerning
  // over-estimates a little (kerning only tightens), so a value that fits here fits on the page.
  const charWidths = { regular: new Map<number, number>(), bold: new Map<number, number>() };
  const widthOf = (value: string, bold: boolean): number => {
    const cache = bold ? charWidths.bold : charWidths.regular;
    let width = 0;
    for (let i = 0; i < value.length; i += 1) {
      const code = value.charCodeAt(i);
      let w = cache.get(code);
      if (w === undefined) {
        w = doc.widthOfString(value[i]!);
        cache.set(code, w);
      }
      width += w;
    }
    return width;
  };

  /** Fits a value in its cell on one line, cutting it with an ellipsis when too wide. */
  const fit = (value: string, width: number, bold: boolean): string => {
    const room = width - 2 * CELL_PADDING_PT;
    if (widthOf(value, bold) <= room) return value;
    let cut = value.length;
    while (cut > 0 && widthOf(value.slice(0, cut) + ELLIPSIS, bold) > room) cut -= 1;
    return value.slice(0, cut) + ELLIPSIS;
  };

  const drawRow = (cells: string[], rowY: number, fill: string | null, bold: boolean): void => {
    if (fill) doc.rect(MARGIN_PT, rowY, pageWidth, ROW_HEIGHT_PT).fill(fill);
    doc
      .fillColor("#111111")
      .font(bold ? "Helvetica-Bold" : "Helvetica")
      .fontSize(CELL_SIZE_PT);
    cells.forEach((cell, i) => {
      doc.text(fit(cell, widths[i]!, bold), lefts[i]! + CELL_PADDING_PT, rowY + 3, { lineBreak: false });
    });
  };

  const startPage = (): void => {
    if (pageNumber > 0) doc.addPage();
    pageNumber += 1;
    doc.fillColor("#111111").font("Helvetica-Bold").fontSize(TITLE_SIZE_PT);
    doc.text(table.title, MARGIN_PT, MARGIN_PT, { lineBreak: false });
    doc.font("Helvetica").fontSize(CAPTION_SIZE_PT).fillColor("#444444");
    doc.text(caption, MARGIN_PT, MARGIN_PT + TITLE_SIZE_PT + 6, { lineBreak: false });
    const footer = `${text.page} ${pageNumber}`;
    doc.text(footer, MARGIN_PT + pageWidth - doc.widthOfString(footer), bottom + 6, { lineBreak: false });
    y = MARGIN_PT + TITLE_SIZE_PT + CAPTION_SIZE_PT + 16;
    drawRow(table.headers, y, "#d9e2ec", true);
    y += ROW_HEIGHT_PT;
  };

  startPage();
  let index = 0;
  for await (const row of table.rows) {
    if (y + ROW_HEIGHT_PT > bottom) {
      // A page is done: let the consumer catch up before drawing the next one.
      if (!(await output.demand())) return;
      startPage();
    }
    drawRow(row.map(printable), y, index % 2 === 1 ? "#f2f5f8" : null, false);
    y += ROW_HEIGHT_PT;
    index += 1;
  }
  doc.end();
}
