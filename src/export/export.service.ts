import type { Readable } from "node:stream";
import type { AppContext } from "../app/context.js";
import type { Lang } from "../domain/errors.js";
import type { ServerColumn } from "../domain/smtp-server.js";
import { iterateServers } from "../registry/server.service.js";
import { renderCsv } from "./csv.js";
import type { CsvSeparator, ExportFormat, ExportQuery } from "./export-query.js";
import type { ExportTable } from "./export-table.js";
import { cellValue, COLUMN_LABELS, type ExportCell } from "./labels.js";
import { renderPdf } from "./pdf.js";
import { renderXlsx } from "./xlsx.js";

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

const TITLE: Record<Lang, string> = {
  fr: "Serveurs de messagerie (SMTP)",
  en: "Mail servers (SMTP)",
};
const ORDER_TEXT: Record<Lang, Record<"asc" | "desc", string>> = {
  fr: { asc: "croissant", desc: "décroissant" },
  en: { asc: "ascending", desc: "descending" },
};
const DEFAULT_SEPARATOR: Record<Lang, CsvSeparator> = { fr: "semicolon", en: "comma" };

export interface ServerExport {
  /** The file, produced while it is read: 100,000 rows never sit in memory at once. */
  stream: Readable;
  contentType: string;
  /** `serveurs-smtp-YYYY-MM-DD.<format>` (UTC date). */
  filename: string;
}

export interface ExportOptions {
  /** Called after each row is read from the database (CLI progress). */
  onRow?: (rowsSoFar: number) => void;
}

/**
 * Exports the current view of the servers table — its search, sort and visible columns, in their order —
 * as CSV, XLSX or PDF. Rows come from `iterateServers` in batches and are rendered as they arrive.
 * Cells are built from the listed columns of `SmtpServerView`, which has no password field.
 */
export function exportServers(
  ctx: AppContext,
  format: ExportFormat,
  query: ExportQuery & { lang: Lang },
  options: ExportOptions = {},
): ServerExport {
  const { lang, columns } = query;
  const q = query.q?.trim() ? query.q.trim() : undefined;
  async function* rows(): AsyncGenerator<ExportCell[]> {
    let count = 0;
    for await (const server of iterateServers(ctx, { q, sort: query.sort, order: query.order })) {
      yield columns.map((column: ServerColumn) => cellValue(server, column, lang));
      count += 1;
      options.onRow?.(count);
    }
  }
  const generatedAt = ctx.now();
  const table: ExportTable = {
    columns,
    headers: columns.map((column) => COLUMN_LABELS[lang][column]),
    rows: rows(),
    lang,
    title: TITLE[lang],
    search: q,
    sortCaption: `${COLUMN_LABELS[lang][query.sort]} (${ORDER_TEXT[lang][query.order]})`,
    generatedAt,
  };
  const stream =
    format === "csv"
      ? renderCsv(table, query.separator ?? DEFAULT_SEPARATOR[lang])
      : format === "xlsx"
        ? renderXlsx(table)
        : renderPdf(table);
  return {
    stream,
    contentType: EXPORT_CONTENT_TYPES[format],
    filename: `serveurs-smtp-${generatedAt.toISOString().slice(0, 10)}.${format}`,
  };
}
