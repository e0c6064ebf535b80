import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** A row of an encrypted column's table: its id, the envelope and the columns its associated data binds. */
export type SealedRow = Record<string, string | number>;

/**
 * The untyped view of the database: the encrypted columns are walked generically from a fixed list in code
 * (ENCRYPTED_COLUMNS), never from input, so table and column names are trusted here.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

/** Every row of `table` whose `column` holds an envelope, with `id` and the binding columns. */
export async function selectSealedRows(
  db: Kysely<Database>,
  table: string,
  column: string,
  bindingColumns: readonly string[],
): Promise<SealedRow[]> {
  return (await (db as unknown as AnyDb)
    .selectFrom(table)
    .select(["id", column, ...bindingColumns])
    .where(column, "is not", null)
    .execute()) as SealedRow[];
}

/**
 * Replaces an envelope only while the row still holds `from`: a row edited meanwhile keeps its new value.
 */
export async function replaceEnvelope(
  db: Kysely<Database>,
  table: string,
  column: string,
  id: string | number,
  from: string,
  to: string,
): Promise<void> {
  await (db as unknown as AnyDb)
    .updateTable(table)
    .set({ [column]: to })
    .where("id", "=", id)
    .where(column, "=", from)
    .execute();
}
