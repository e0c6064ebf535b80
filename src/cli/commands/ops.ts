import type { Command } from "commander";
import { createContext } from "../../app/context.js";
import { createLogger } from "../../app/logger.js";
import { loadConfig } from "../../config/config.js";
import { backupDatabase, restoreDatabase } from "../../ops/backup.js";
import { action, cliLang, withContext } from "../runtime.js";

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
        await withContext(async (ctx) => {
          const report = await backupDatabase(ctx, file, options.withKey);
          const fr = cliLang() === "fr";
          console.log(
            fr
              ? `Sauvegarde ${report.dialect} : ${report.file} (${report.bytes} octets)`
              : `${report.dialect} backup: ${report.file} (${report.bytes} bytes)`,
          );
          console.log(
            report.keyFile
              ? fr
                ? `Clé copiée dans ${report.keyFile} : rangez-la ailleurs que la sauvegarde.`
                : `Key copied to ${report.keyFile}: store it apart from the backup.`
              : fr
                ? `La clé de chiffrement n'est pas incluse : sauvegardez ${ctx.config.secretKey ? "FACTEUR_SECRET_KEY" : ctx.config.keyFile} séparément.`
                : `The encryption key is not included: back up ${ctx.config.secretKey ? "FACTEUR_SECRET_KEY" : ctx.config.keyFile} separately.`,
          );
        });
      }),
    );
  program
    .command("restore <file>")
    .description("Restaure une sauvegarde (arrêtez Facteur d'abord) / restore a backup (stop Facteur first)")
    .action(
      action(async (file: string) => {
        const config = loadConfig();
        const ctx = await createContext(config, { logger: createLogger("warn"), migrate: false });
        await restoreDatabase(ctx, file);
        console.log(
          cliLang() === "fr"
            ? "Restauration terminée. Redémarrez Facteur."
            : "Restore complete. Restart Facteur.",
        );
      }),
    );
}
