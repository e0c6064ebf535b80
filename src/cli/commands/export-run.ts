import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { FacteurError, type Lang } from "../../domain/errors.js";
import { parseOrThrow } from "../../domain/validation.js";
import { exportQuerySchema, type ExportFormat } from "../../export/export-query.js";
import { exportServers } from "../../export/export.service.js";
import { listServers } from "../../registry/server.service.js";
import { t } from "../messages.js";
import { cliLang, withContext } from "../runtime.js";

/** Below this many rows an export takes well under a second: no progress line. */
const PROGRESS_MIN_ROWS = 5_000;
/** Progress is reported every this many rows (a few times per second at export speed). */
const PROGRESS_EVERY_ROWS = 1_000;

export interface ExportOptions {
  format: ExportFormat;
  output?: string;
  search?: string;
  sort: string;
  order: string;
  columns?: string;
  lang?: string;
  separator?: string;
}

export async function exportList(options: ExportOptions): Promise<void> {
  const messages = cliLang();
  const query = parseOrThrow(exportQuerySchema, {
    ...(options.search ? { q: options.search } : {}),
    sort: options.sort,
    order: options.order,
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.lang ? { lang: options.lang } : {}),
    ...(options.separator ? { separator: options.separator } : {}),
  });
  if (!options.output && process.stdout.isTTY && options.format !== "csv") {
    throw new FacteurError("VALIDATION_FAILED", {
      details: [
        {
          path: "output",
          code: "OUTPUT_REQUIRED",
          fr: t("export.outputRequired", {}, "fr"),
          en: t("export.outputRequired", {}, "en"),
        },
      ],
    });
  }
  await withContext(async (ctx) => {
    const { total } = await listServers(ctx, {
      ...(query.q ? { q: query.q } : {}),
      sort: query.sort,
      order: query.order,
      page: 1,
      pageSize: 1,
    });
    const progress = total >= PROGRESS_MIN_ROWS ? progressReporter(total, messages) : undefined;
    const file = exportServers(
      ctx,
      options.format,
      { ...query, lang: query.lang ?? cliLang() },
      progress ? { onRow: progress.update } : {},
    );
    await pipeline(file.stream, options.output ? createWriteStream(options.output) : process.stdout);
    progress?.done();
    if (options.output) console.error(t("export.done", { total, file: options.output }, messages));
  });
}

/** A progress line on stderr: rewritten in place on a terminal, one line per step otherwise. */
function progressReporter(total: number, lang: Lang) {
  const tty = process.stderr.isTTY;
  const line = (rows: number) =>
    t("export.progress", { rows, total, percent: Math.floor((rows * 100) / total) }, lang);
  const step = tty ? PROGRESS_EVERY_ROWS : Math.max(PROGRESS_EVERY_ROWS, Math.ceil(total / 10));
  return {
    update(rows: number): void {
      if (rows % step !== 0) return;
      process.stderr.write(tty ? `\r${line(rows)}` : `${line(rows)}\n`);
    },
    done(): void {
      if (tty) process.stderr.write(`\r${line(total)}\n`);
    },
  };
}
