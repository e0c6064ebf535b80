import {
  createAdmin as createAdminAccount,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from "../../auth/admin.service.js";
import { scopesFromList } from "../../auth/api-key-scopes.js";
import { idParamSchema } from "../../domain/id.js";
import { parseOrThrow } from "../../domain/validation.js";
import { rotateSecrets } from "../../secrets/rotate.js";
import { migrateToLatest } from "../../store/migrate.js";
import { t } from "../messages.js";
import { EXIT, printTable, readSecret, withContext } from "../runtime.js";

export async function migrate(): Promise<void> {
  await withContext(async (ctx) => {
    const applied = await migrateToLatest(ctx.store, { keyring: ctx.keyring });
    console.log(applied.length ? `Migrations: ${applied.join(", ")}` : t("migrate.upToDate"));
  });
}

export async function createAdmin(options: { email: string }): Promise<void> {
  const password = await readSecret("Mot de passe / password: ");
  await withContext(async (ctx) => {
    const created = await createAdminAccount(ctx, options.email, password);
    console.log(t("admin.created", { email: created.email }));
  });
}

export async function createKey(name: string, options: { scope: string; json?: boolean }): Promise<void> {
  const scopes = scopesFromList(options.scope);
  await withContext(async (ctx) => {
    const { key, apiKey } = await createApiKey(ctx, name, scopes);
    if (options.json) console.log(JSON.stringify({ ...apiKey, key }));
    else console.log(`${key}\n${t("apikeys.created", { scopes: apiKey.scopes.join(", ") })}`);
  });
}

export async function listKeys(options: { json?: boolean }): Promise<void> {
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
}

export async function revokeKey(id: string): Promise<void> {
  await withContext(async (ctx) => {
    await revokeApiKey(ctx, parseOrThrow(idParamSchema, id));
    console.log(t("apikeys.revoked"));
  });
}

export async function rotate(): Promise<void> {
  await withContext(async (ctx) => {
    const fromEnv = Boolean(ctx.config.secretKey);
    const newKey = process.env.FACTEUR_NEW_SECRET_KEY;
    if (fromEnv && !newKey) {
      console.error(t("secrets.keyFromEnv"));
      process.exitCode = EXIT.USAGE;
      return;
    }
    const report = await rotateSecrets(
      ctx.db,
      ctx.keyring,
      newKey ? Buffer.from(newKey, "base64") : undefined,
    );
    console.log(
      t("secrets.rotated", { keyId: report.newKeyId, count: report.reencrypted }) +
        (fromEnv ? t("secrets.replaceEnv") : ""),
    );
    if (report.unreadable.length > 0)
      console.error(
        t("secrets.unreadable", {
          count: report.unreadable.length,
          ids: report.unreadable.map((u) => u.id).join(", "),
        }),
      );
  });
}
