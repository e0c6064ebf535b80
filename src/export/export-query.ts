import { z } from "zod";
import { SERVER_COLUMNS, type ServerColumn } from "../domain/smtp-server.js";
import { singleLine } from "../domain/text.js";

export const EXPORT_FORMATS = ["csv", "xlsx", "pdf"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_SEPARATORS = ["comma", "semicolon"] as const;
export type CsvSeparator = (typeof CSV_SEPARATORS)[number];

/** `columns=id,title,host`: the visible columns, in the table's current order; all seed columns by default. */
export const exportColumnsSchema = z
  .string()
  .max(400)
  .transform((value) =>
    value
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(SERVER_COLUMNS)).min(1))
  .transform((columns): ServerColumn[] => [...new Set(columns)]);

/**
 * What to export: the current view of the servers table (search, sort, visible columns) and the language
 * of headers and values. Shared by the HTTP route and the CLI.
 */
export const exportQuerySchema = z
  .object({
    q: singleLine().max(200).optional(),
    sort: z.enum(SERVER_COLUMNS).default("id"),
    order: z.enum(["asc", "desc"]).default("asc"),
    columns: exportColumnsSchema.default([...SERVER_COLUMNS]),
    lang: z.enum(["fr", "en"]).optional(),
    /** CSV only: defaults to `;` in French (Excel's list separator there), `,` in English. */
    separator: z.enum(CSV_SEPARATORS).optional(),
  })
  .strict();
export type ExportQuery = z.infer<typeof exportQuerySchema>;
