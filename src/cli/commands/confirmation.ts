import type { Command } from "commander";
import { action } from "../runtime.js";

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
        const { confirm } = await import("./confirmation-run.js");
        await confirm(serverId, options);
      }),
    );
}
