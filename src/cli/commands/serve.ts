import type { Command } from "commander";
import { action } from "../runtime.js";

/** `facteur serve`: web (API + UI + autoconfig) and, by default, an in-process worker. */
export function register(program: Command): void {
  program
    .command("serve")
    .description("Démarre le service web (API, interface, autoconfig) / start the web service")
    .option("--port <port>", "port d'écoute / listen port (FACTEUR_PORT)")
    .option("--host <host>", "adresse d'écoute / listen address (FACTEUR_HOST)")
    .action(
      action(async (options: { port?: string; host?: string }) => {
        const { serve } = await import("./serve-run.js");
        await serve(options);
      }),
    );
}
