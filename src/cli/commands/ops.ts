import type { Command } from "commander";
import { action } from "../runtime.js";

/** `facteur backup <file>` and `facteur restore <file>`. */
export function register(program: Command): void {
  program
    .command("backup <file>")
    .description(
      "Sauvegarde cohérente de la base (sans la clé) / consistent database backup (key not included)",
    )
    .option(
      "--with-key",
      "copie aussi le fichier de clé à côté (<file>.key) / also copy the key file beside it",
    )
    .action(
      action(async (file: string, options: { withKey?: boolean }) => {
        const { backup } = await import("./ops-run.js");
        await backup(file, options);
      }),
    );
  program
    .command("restore <file>")
    .description("Restaure une sauvegarde (arrêtez Facteur d'abord) / restore a backup (stop Facteur first)")
    .action(
      action(async (file: string) => {
        const { restore } = await import("./ops-run.js");
        await restore(file);
      }),
    );
}
