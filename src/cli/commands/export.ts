import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Option, type Command } from "commander";
import { FacteurError } from "../../domain/errors.js";
import { SERVER_COLUMNS } from "../../domain/smtp-server.js";
import { parseOrThrow } from "../../domain/validation.js";
import {
  CSV_SEPARATORS,
  EXPORT_FORMATS,
  exportQuerySchema,
  type ExportFormat,
} from "../../export/export-query.js";
import { exportServers } from "../../export/export.service.js";
import { listServers } from "../../registry/server.service.js";
import { action, cliLang, withContext } from "../runtime.js";

/** Below this many rows an export takes well under a second: no progress line. */
const PROGRESS_MIN_ROWS = 5_000;
/** Progress is reported every this many rows (a few times per second at export speed). */
const PROGRESS_EVERY_ROWS = 1_000;

interface ExportOptions {
  format: ExportFormat;
  output?: string;
  search?: string;
  sort: string;
  order: string;
  columns?: string;
  lang?: string;
  separator?: string;
}

/** `facteur servers export`: the same streamed files as the admin page's export button. */
export function register(program: Command): void {
  const servers = program.commands.find((c) => c.name() === "servers");
  if (!servers) throw new Error("the servers command must be registered before the export command");
  servers
    .command("export")
    .description("Exporte la liste des serveurs (CSV, Excel, PDF) / export the server list")
    .addOption(new Option("--format <format>", "format").choices(EXPORT_FORMATS).makeOptionMandatory())
    .option("-o, --output <file>", "fichier de sortie (sinon stdout) / output file (default: stdout)")
    .option("-q, --search <term>", "recherche / search")
    .option("--sort <column>", `tri / sort: ${SERVER_COLUMNS.join(", ")}`, "id")
    .option("--order <order>", "asc | desc", "asc")
    .option(
      "--columns <list>",
      `colonnes visibles, dans l'ordre / visible columns, in order: ${SERVER_COLUMNS.join(",")}`,
    )
    .addOption(new Option("--lang <lang>", "langue des en-têtes / header language").choices(["fr", "en"]))
    .addOption(
      new Option("--separator <sep>", "CSV : séparateur (défaut ; en français, , en anglais)").choices(
        CSV_SEPARATORS,
      ),
    )
    .action(
      action(async (options: ExportOptions) => {
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
                fr: "Fichier binaire : indiquez --output <fichier> ou redirigez la sortie.",
                en: "Binary file: give --output <file> or redirect the output.",
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
          if (options.output) {
            console.error(
              messages === "fr"
                ? `${total} serveur(s) exporté(s) vers ${options.output}`
                : `${total} server(s) exported to ${options.output}`,
            );
          }
        });
      }),
    );
}

/** A progress line on stderr: rewritten in place on a terminal, one line per step otherwise. */
function progressReporter(total: number, lang: "fr" | "en") {
  const tty = process.stderr.isTTY;
  const line = (rows: number) =>
    lang === "fr"
      ? `Export : ${rows} / ${total} serveurs (${Math.floor((rows * 100) / total)} %)`
      : `Export: ${rows} / ${total} servers (${Math.floor((rows * 100) / total)}%)`;
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
