import { readFileSync } from "node:fs";
import { Command } from "commander";
import { register as registerAdmin } from "./commands/admin.js";
import { register as registerConfirmation } from "./commands/confirmation.js";
import { register as registerDiagnostics } from "./commands/diagnostics.js";
import { register as registerExport } from "./commands/export.js";
import { register as registerOps } from "./commands/ops.js";
import { register as registerSending } from "./commands/sending.js";
import { register as registerServe } from "./commands/serve.js";
import { register as registerServers } from "./commands/servers.js";
import { register as registerSetup } from "./commands/setup.js";
import { EXIT } from "./runtime.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

const program = new Command()
  .name("facteur")
  .description(
    "Facteur : serveurs SMTP, diagnostics, envoi, configuration des clients / mail settings that just work",
  )
  .version(pkg.version)
  .showHelpAfterError()
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : EXIT.USAGE);
  });

registerServe(program);
registerAdmin(program);
registerServers(program);
registerExport(program);
registerDiagnostics(program);
registerSending(program);
registerConfirmation(program);
registerSetup(program);
registerOps(program);

await program.parseAsync(process.argv);
