import { execFileSync } from "node:child_process";
import ExcelJS from "exceljs";

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records) for checking exported CSV. */
export function parseCsv(text: string, separator: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i += 1;
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** The first sheet of an .xlsx as rows of cell values (numbers stay numbers). */
export async function readXlsx(data: Buffer): Promise<Array<Array<string | number>>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const rows: Array<Array<string | number>> = [];
  sheet.eachRow((row) => {
    const values = (row.values as Array<string | number | null | undefined>).slice(1);
    rows.push(values.map((v) => v ?? ""));
  });
  return rows;
}

/** Text of a PDF in reading order, through poppler's pdftotext. */
export function pdfText(data: Buffer, layout = false): string {
  return execFileSync("pdftotext", [...(layout ? ["-layout"] : []), "-enc", "UTF-8", "-", "-"], {
    input: data,
    maxBuffer: 64 * 1024 * 1024,
  }).toString("utf8");
}
