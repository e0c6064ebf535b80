import type { Command } from "commander";
import { Option } from "../commander.js";
import { SERVER_COLUMNS } from "../../domain/server-columns.js";
import { CSV_SEPARATORS, EXPORT_FORMATS } from "../constants.js";
import { action } from "../runtime.js";
import type { ExportOptions } from "./export-run.js";

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
        const { exportList } = await import("./export-run.js");
        await exportList(options);
      }),
    );
}
