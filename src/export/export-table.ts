import type { Lang } from "../domain/errors.js";
import type { ServerColumn } from "../domain/smtp-server.js";
import type { ExportCell } from "./labels.js";

/** What every format renders: the visible columns, their headers, the rows as human values, and a caption. */
export interface ExportTable {
  columns: ServerColumn[];
  headers: string[];
  rows: AsyncIterable<ExportCell[]>;
  lang: Lang;
  title: string;
  /** The search term of the view, shown on PDF pages; undefined when the table is not filtered. */
  search: string | undefined;
  /** Sort caption, e.g. "Titre (croissant)". */
  sortCaption: string;
  generatedAt: Date;
}
