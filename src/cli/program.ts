import { readFileSync } from "node:fs";
import { Command } from "./commander.js";
import { register as registerAdmin } from "./commands/admin.js";
import { register as registerConfirmation } from "./commands/confirmation.js";
import { register as registerDiagnostics } from "./commands/diagnostics.js";
import { register as registerExport } from "./commands/export.js";
import { register as registerOps } from "./commands/ops.js";
import { register as registerSending } from "./commands/sending.js";
import { register as registerServe } from "./commands/serve.js";
import { register as registerServers } from "./commands/servers.js";
import { register as registerClients } from "./commands/clients.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/**
 * The `facteur` command tree. Usage errors throw a CommanderError (exit code inside) instead of exiting, so the
 * same program runs in tests; `main` maps them to EXIT.USAGE.
 */
export function buildProgram(): Command {
  const program = new Command()
    .name("facteur")
    .description(
      "Facteur : serveurs SMTP, diagnostics, envoi, configuration des clients / mail settings that just work",
    )
    .version(pkg.version)
    .showHelpAfterError()
    .exitOverride();
  registerServe(program);
  registerAdmin(program);
  registerServers(program);
  registerExport(program);
  registerDiagnostics(program);
  registerSending(program);
  registerConfirmation(program);
  registerClients(program);
  registerOps(program);
  // Subcommands get their own Command objects: usage errors must throw there too.
  const throwing = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(throwing);
  };
  throwing(program);
  return program;
}
