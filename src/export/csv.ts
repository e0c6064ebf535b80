import { pipeline, Readable } from "node:stream";
import { stringify } from "csv-stringify";
import type { CsvSeparator } from "./export-query.js";
import type { ExportTable } from "./export-table.js";
import { neutralizeFormula } from "./neutralize.js";

const DELIMITER: Record<CsvSeparator, string> = { comma: ",", semicolon: ";" };

/**
 * RFC 4180 CSV (CRLF, fields quoted when they hold the separator, a quote or a line break) in UTF-8 with a
 * byte-order mark: without the BOM, Excel reads UTF-8 as Windows-1252 and "Hôte" becomes "HÃ´te".
 * The separator is a parameter because Excel splits on the system's list separator, which is `;` in
 * French locales: a comma file opened by double-click in Excel FR lands in one column.
 */
export function renderCsv(table: ExportTable, separator: CsvSeparator): Readable {
  async function* records(): AsyncGenerator<Array<string | number>> {
    yield table.headers;
    for await (const row of table.rows) yield row.map(neutralizeFormula);
  }
  const stringifier = stringify({
    bom: true,
    delimiter: DELIMITER[separator],
    record_delimiter: "windows",
    quoted_match: /[\r\n]/,
  });
  // `pipeline` gives backpressure both ways and destroys the output if reading the database fails.
  return pipeline(Readable.from(records()), stringifier, () => undefined);
}
