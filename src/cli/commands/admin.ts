import type { Command } from "commander";
import { action } from "../runtime.js";

const run = () => import("./admin-run.js");

/** `facteur migrate`, `facteur admin create`, `facteur apikeys …`, `facteur secrets rotate`. */
export function register(program: Command): void {
  program
    .command("migrate")
    .description("Met le schéma de la base à jour / bring the database schema up to date")
    .action(action(async () => (await run()).migrate()));

  const admin = program.command("admin").description("Comptes administrateur / admin accounts");
  admin
    .command("create")
    .description(
      "Crée un administrateur (mot de passe lu sur stdin ou demandé) / create an admin (password from stdin or prompt)",
    )
    .requiredOption("--email <email>", "adresse de connexion / sign-in address")
    .action(action(async (options: { email: string }) => (await run()).createAdmin(options)));

  const keys = program
    .command("apikeys")
    .description("Clés d'API pour les applications / API keys for applications");
  keys
    .command("create <name>")
    .description("Crée une clé (affichée une seule fois) / create a key (shown once)")
    .option(
      "--scope <scopes>",
      "portées séparées par des virgules : send, read, admin / comma-separated scopes: send, read, admin",
      "send",
    )
    .option("--json", "sortie JSON")
    .action(
      action(async (name: string, options: { scope: string; json?: boolean }) =>
        (await run()).createKey(name, options),
      ),
    );
  keys
    .command("list")
    .option("--json", "sortie JSON")
    .action(action(async (options: { json?: boolean }) => (await run()).listKeys(options)));
  keys.command("revoke <id>").action(action(async (id: string) => (await run()).revokeKey(id)));

  program
    .command("secrets")
    .description("Clé de chiffrement des mots de passe stockés / encryption key of stored passwords")
    .command("rotate")
    .description(
      "Nouvelle clé, rechiffre tous les secrets, oublie l'ancienne (FACTEUR_NEW_SECRET_KEY si la clé vient de l'environnement) / rotate the key",
    )
    .action(action(async () => (await run()).rotate()));
}
