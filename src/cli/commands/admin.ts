import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { createAdmin, createApiKey, listApiKeys, revokeApiKey } from "../../auth/admin.service.js";
import { scopesFromList } from "../../auth/api-key-scopes.js";
import { migrateToLatest } from "../../store/migrate.js";
import { rotateSecrets } from "../../secrets/rotate.js";
import { action, cliLang, EXIT, printTable, readStdin, withContext } from "../runtime.js";
import { idParamSchema } from "../../domain/id.js";
import { parseOrThrow } from "../../domain/validation.js";

/** Reads a secret: from stdin when piped, else from a prompt that does not echo. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).replace(/\r?\n$/, "");
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  process.stdout.write(prompt);
  output._writeToOutput = () => {}; // no echo while typing the secret
  const answer = await rl.question("");
  rl.close();
  process.stdout.write("\n");
  return answer;
}

/** `facteur migrate`, `facteur admin create`, `facteur apikeys …`, `facteur secrets rotate`. */
export function register(program: Command): void {
  program
    .command("migrate")
    .description("Met le schéma de la base à jour / bring the database schema up to date")
    .action(
      action(async () => {
        await withContext(async (ctx) => {
          const applied = await migrateToLatest(ctx.store, { keyring: ctx.keyring });
          console.log(
            applied.length
              ? `Migrations: ${applied.join(", ")}`
              : cliLang() === "fr"
                ? "Schéma à jour."
                : "Schema up to date.",
          );
        });
      }),
    );

  const admin = program.command("admin").description("Comptes administrateur / admin accounts");
  admin
    .command("create")
    .description(
      "Crée un administrateur (mot de passe lu sur stdin ou demandé) / create an admin (password from stdin or prompt)",
    )
    .requiredOption("--email <email>", "adresse de connexion / sign-in address")
    .action(
      action(async (options: { email: string }) => {
        const password = await readSecret("Mot de passe / password: ");
        await withContext(async (ctx) => {
          const created = await createAdmin(ctx, options.email, password);
          console.log(
            cliLang() === "fr" ? `Administrateur créé : ${created.email}` : `Admin created: ${created.email}`,
          );
        });
      }),
    );

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
      action(async (name: string, options: { scope: string; json?: boolean }) => {
        const scopes = scopesFromList(options.scope);
        await withContext(async (ctx) => {
          const { key, apiKey } = await createApiKey(ctx, name, scopes);
          if (options.json) console.log(JSON.stringify({ ...apiKey, key }));
          else
            console.log(
              `${key}\n${cliLang() === "fr" ? `Portées : ${apiKey.scopes.join(", ")}. Conservez cette clé : elle ne sera plus affichée.` : `Scopes: ${apiKey.scopes.join(", ")}. Keep this key: it will not be shown again.`}`,
            );
        });
      }),
    );
  keys
    .command("list")
    .option("--json", "sortie JSON")
    .action(
      action(async (options: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const items = await listApiKeys(ctx);
          if (options.json) console.log(JSON.stringify(items, null, 2));
          else
            printTable(
              items.map((item) => ({ ...item, scopes: item.scopes.join(",") })),
              [
                { key: "id", label: "ID" },
                { key: "name", label: "Nom/Name" },
                { key: "prefix", label: "Préfixe/Prefix" },
                { key: "scopes", label: "Portées/Scopes" },
                { key: "lastUsedAt", label: "Utilisée/Used" },
                { key: "revokedAt", label: "Révoquée/Revoked" },
              ],
            );
        });
      }),
    );
  keys.command("revoke <id>").action(
    action(async (id: string) => {
      await withContext(async (ctx) => {
        await revokeApiKey(ctx, parseOrThrow(idParamSchema, id));
        console.log(cliLang() === "fr" ? "Clé révoquée." : "Key revoked.");
      });
    }),
  );

  program
    .command("secrets")
    .description("Clé de chiffrement des mots de passe stockés / encryption key of stored passwords")
    .command("rotate")
    .description(
      "Nouvelle clé, rechiffre tous les secrets, oublie l'ancienne (FACTEUR_NEW_SECRET_KEY si la clé vient de l'environnement) / rotate the key",
    )
    .action(
      action(async () => {
        await withContext(async (ctx) => {
          const fromEnv = Boolean(ctx.config.secretKey);
          const newKey = process.env.FACTEUR_NEW_SECRET_KEY;
          if (fromEnv && !newKey) {
            console.error(
              cliLang() === "fr"
                ? "La clé vient de FACTEUR_SECRET_KEY : fournissez la nouvelle dans FACTEUR_NEW_SECRET_KEY (openssl rand -base64 32)."
                : "The key comes from FACTEUR_SECRET_KEY: give the new one in FACTEUR_NEW_SECRET_KEY (openssl rand -base64 32).",
            );
            process.exitCode = EXIT.USAGE;
            return;
          }
          const report = await rotateSecrets(
            ctx.db,
            ctx.keyring,
            newKey ? Buffer.from(newKey, "base64") : undefined,
          );
          console.log(
            cliLang() === "fr"
              ? `Nouvelle clé ${report.newKeyId} ; ${report.reencrypted} secret(s) rechiffré(s).${fromEnv ? " Remplacez maintenant FACTEUR_SECRET_KEY par la nouvelle clé." : ""}`
              : `New key ${report.newKeyId}; ${report.reencrypted} secret(s) re-encrypted.${fromEnv ? " Now replace FACTEUR_SECRET_KEY with the new key." : ""}`,
          );
          if (report.unreadable.length > 0)
            console.error(
              cliLang() === "fr"
                ? `${report.unreadable.length} mot(s) de passe ne correspondent plus aux réglages de leur serveur (modifiés hors de Facteur) et n'ont pas pu être rechiffrés : saisissez-les à nouveau (serveurs ${report.unreadable.map((u) => u.id).join(", ")}).`
                : `${report.unreadable.length} password(s) no longer match their server's settings (changed outside Facteur) and could not be re-encrypted: enter them again (servers ${report.unreadable.map((u) => u.id).join(", ")}).`,
            );
        });
      }),
    );
}
