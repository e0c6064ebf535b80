import { SERVER_COLUMNS, type ServerColumn } from "../../../src/domain/server-columns.js";

export { SERVER_COLUMNS };

/** Every column of the seed table, in its order: the data columns (sortable) then Lien(s). */
export const TABLE_COLUMNS = [...SERVER_COLUMNS, "links"] as const;
export type TableColumn = (typeof TABLE_COLUMNS)[number];

/** "Restaure" brings these back: the seed shows every column. */
export const DEFAULT_VISIBLE_COLUMNS: readonly TableColumn[] = TABLE_COLUMNS;

export const COLUMNS_PREFERENCE_KEY = "servers.columns";

export function isSortable(column: string): column is ServerColumn {
  return (SERVER_COLUMNS as readonly string[]).includes(column);
}

/** Keeps only known columns (a stored preference may predate a rename), in table order. */
export function normaliseVisible(value: unknown): TableColumn[] | null {
  if (!Array.isArray(value)) return null;
  const wanted = new Set(value.filter((item): item is string => typeof item === "string"));
  return TABLE_COLUMNS.filter((column) => wanted.has(column));
}

/** Columns the export should contain: the visible data columns (Lien(s) holds actions, not data). */
export function exportColumns(visible: readonly TableColumn[]): ServerColumn[] {
  return visible.filter(isSortable);
}
