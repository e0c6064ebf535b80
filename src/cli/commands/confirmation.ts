import type { Command } from "commander";
import { sendConfirmation } from "../../confirmation/confirmation.service.js";
import { FacteurError } from "../../domain/errors.js";
import { action, cliLang, withContext } from "../runtime.js";
import { ID_MAX } from "../../domain/id.js";

/** `facteur confirm <serverId>`: sends the confirmation mail through the server (the "Lien(s)" action). */
export function register(program: Command): void {
  program
    .command("confirm <serverId>")
    .description(
      "Envoie le mail de confirmation à travers ce serveur / send the confirmation mail through this server",
    )
    .option("--json", "sortie JSON / JSON output")
    .action(
      action(async (serverId: string, options: { json?: boolean }) => {
        const lang = cliLang();
        const id = Number(serverId);
        if (!Number.isInteger(id) || id <= 0 || id > ID_MAX)
          throw new FacteurError("SERVER_NOT_FOUND", { meta: { id: serverId } });
        const sent = await withContext((ctx) => sendConfirmation(ctx, id, lang));
        if (options.json) return console.log(JSON.stringify(sent));
        console.log(
          lang === "fr"
            ? `Mail de confirmation envoyé à ${sent.sentTo} (lien valable jusqu'au ${sent.expiresAt}).`
            : `Confirmation mail sent to ${sent.sentTo} (link valid until ${sent.expiresAt}).`,
        );
        console.log(sent.notice[lang]);
      }),
    );
}
