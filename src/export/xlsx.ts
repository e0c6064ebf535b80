import { once } from "node:events";
import { Writable, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import ExcelJS from "exceljs";
import type { ServerColumn } from "../domain/smtp-server.js";
import type { ExportTable } from "./export-table.js";
import { neutralizeFormula } from "./neutralize.js";
import { PacedReadable } from "./paced-readable.js";

/** Rows written between two checks that the client still keeps up: a few hundred KiB of sheet XML. */
const ROWS_PER_DEMAND_CHECK = 500;
const SHEET_NAME_MAX = 31; // Excel refuses longer sheet names
/** Sheet XML allowed to wait for compression before we stop adding rows (a few thousand rows). */
const ZIP_BACKLOG_MAX_BYTES = 1024 * 1024;
/** Safety net: never wait longer than this for the zip to drain (it cannot stall the export). */
const ZIP_DRAIN_WAIT_MAX_MS = 1_000;

interface BufferedWritable extends NodeJS.EventEmitter {
  _writableState?: { length: number };
}

/**
 * The zip-entry stream ExcelJS writes the sheet into. ExcelJS's StreamBuf (batch mode) writes to it
 * without waiting for its callbacks, so a fast database fills it with the whole sheet (measured at
 * 100,000 rows: +114 MB heap, +127 MB buffers). Private fields, read defensively: if ExcelJS changes
 * them, the export still works, only without this limit.
 */
function zipEntryInput(sheet: ExcelJS.Worksheet): BufferedWritable | undefined {
  const pipes = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream?.pipes;
  const entry = pipes?.[0] as BufferedWritable | undefined;
  return typeof entry?._writableState?.length === "number" ? entry : undefined;
}

/** Column widths in characters, close to what the values need. */
const COLUMN_WIDTH: Record<ServerColumn, number> = {
  id: 8,
  title: 28,
  host: 28,
  port: 8,
  authentication: 22,
  security: 12,
  mail: 32,
  senderName: 24,
  username: 28,
  usage: 24,
  confirmation: 16,
};

/**
 * Streams the table as an .xlsx workbook with ExcelJS's streaming writer: each row is committed (turned
 * into XML and zipped) as soon as it is added, so the workbook is never held in memory. Text cells are
 * written as strings (never formulas) and neutralised like the CSV, so a later copy to CSV stays inert.
 */
export function renderXlsx(table: ExportTable): Readable {
  const output = new PacedReadable();
  const zipSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output.write(chunk);
      done();
    },
    final(done) {
      output.push(null);
      done();
    },
  });
  void writeWorkbook(table, output, zipSink).catch((error: unknown) => output.destroy(error as Error));
  return output;
}

async function writeWorkbook(table: ExportTable, output: PacedReadable, zipSink: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: zipSink,
    useSharedStrings: false, // a shared-string table would grow with every distinct value
    useStyles: true,
  });
  workbook.creator = "Facteur";
  workbook.created = table.generatedAt;
  const sheet = workbook.addWorksheet(table.title.slice(0, SHEET_NAME_MAX), {
    views: [{ state: "frozen", ySplit: 1 }],
  });
  sheet.columns = table.columns.map((column, i) => ({
    key: column,
    header: table.headers[i]!,
    width: COLUMN_WIDTH[column],
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.commit();

  let written = 0;
  for await (const row of table.rows) {
    sheet.addRow(row.map(neutralizeFormula)).commit();
    written += 1;
    if (written % ROWS_PER_DEMAND_CHECK !== 0) continue;
    const entry = zipEntryInput(sheet);
    if (entry && entry._writableState!.length > ZIP_BACKLOG_MAX_BYTES) {
      await Promise.race([once(entry, "drain"), sleep(ZIP_DRAIN_WAIT_MAX_MS)]);
    }
    if (!(await output.demand())) return;
  }
  sheet.commit();
  await workbook.commit();
}
