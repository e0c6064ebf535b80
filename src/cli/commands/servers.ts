import type { Command } from "commander";
import { InvalidArgumentError } from "../commander.js";
import { SERVER_COLUMNS } from "../../domain/server-columns.js";
import { ID_MAX } from "../constants.js";
import { action } from "../runtime.js";
import type { ListOptions, ServerOptions } from "./servers-run.js";

/** An integer argument: ids, ports, priorities, pages. */
export function integer(value: string): number {
  const n = Number(value);
  // Ids, ports, priorities, pages: none goes past a 32-bit integer column (PostgreSQL refuses the query).
  if (!Number.isInteger(n) || Math.abs(n) > ID_MAX)
    throw new InvalidArgumentError(`"${value}" n'est pas un entier / is not an integer`);
  return n;
}

function withServerOptions(command: Command): Command {
  return command
    .option("--title <title>", "Titre")
    .option("--host <host>", "Hôte / host")
    .option("--port <port>", "Port", integer)
    .option("--auth <method>", "none | password | encrypted_password | oauth2")
    .option("--security <mode>", "none | starttls | tls")
    .option("--mail <address>", "Mail (adresse d'envoi / sender address)")
    .option("--sender-name <name>", "Nom d'envoi / sender name")
    .option("--username <user>", "Utilisateur / user")
    .option(
      "--password-stdin",
      "lit le mot de passe sur stdin (sinon il est demandé) / read the password from stdin",
    )
    .option("--usage <mode>", "all | custom")
    .option("--departments <list>", "services (noms ou IDs, séparés par des virgules) / departments")
    .option("--signature-file <path>", "signature HTML")
    .option("--priority <n>", "priorité (plus petit = d'abord) / priority (lower first)", integer)
    .option("--json", "sortie JSON / JSON output");
}

const run = () => import("./servers-run.js");

/** `facteur servers …` and `facteur departments …`. */
export function register(program: Command): void {
  const servers = program.command("servers").description("Registre des serveurs SMTP / SMTP server registry");

  servers
    .command("list")
    .description("Liste les serveurs / list servers")
    .option("-q, --search <term>", "recherche / search")
    .option("--sort <column>", `tri / sort: ${SERVER_COLUMNS.join(", ")}`, "id")
    .option("--order <order>", "asc | desc", "asc")
    .option("--page <n>", "page", "1")
    .option("--page-size <n>", "taille de page / page size", "50")
    .option("--json", "sortie JSON / JSON output")
    .action(action(async (options: ListOptions) => (await run()).list(options)));

  servers
    .command("show <id>")
    .option("--json", "sortie JSON / JSON output")
    .action(action(async (id: string, options: { json?: boolean }) => (await run()).show(id, options)));

  withServerOptions(
    servers.command("add").description("Ajoute un serveur (tous les champs sont requis) / add a server"),
  ).action(action(async (options: ServerOptions) => (await run()).add(options)));

  withServerOptions(servers.command("update <id>").description("Modifie un serveur / update a server"))
    .option("--expect-version <n>", "refuse si la version a changé / refuse if the version changed", integer)
    .action(
      action(async (id: string, options: ServerOptions & { expectVersion?: number }) =>
        (await run()).update(id, options),
      ),
    );

  servers
    .command("remove <id>")
    .alias("delete")
    .action(action(async (id: string) => (await run()).remove(id)));

  const departments = program
    .command("departments")
    .description("Services (Achat, Vente, Production…) / departments");
  departments
    .command("list")
    .option("--json", "sortie JSON / JSON output")
    .action(action(async (options: { json?: boolean }) => (await run()).listDepartments(options)));
  departments.command("add <name>").action(action(async (name: string) => (await run()).addDepartment(name)));
  departments
    .command("rename <id> <name>")
    .action(action(async (id: string, name: string) => (await run()).renameDepartment(id, name)));
  departments
    .command("remove <id>")
    .alias("delete")
    .action(action(async (id: string) => (await run()).removeDepartment(id)));
}
