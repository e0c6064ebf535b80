import { sendConfirmation } from "../../confirmation/confirmation.service.js";
import { FacteurError } from "../../domain/errors.js";
import { ID_MAX } from "../constants.js";
import { t } from "../messages.js";
import { cliLang, withContext } from "../runtime.js";

export async function confirm(serverId: string, options: { json?: boolean }): Promise<void> {
  const lang = cliLang();
  const id = Number(serverId);
  if (!Number.isInteger(id) || id <= 0 || id > ID_MAX)
    throw new FacteurError("SERVER_NOT_FOUND", { meta: { id: serverId } });
  const sent = await withContext((ctx) => sendConfirmation(ctx, id, lang));
  if (options.json) return console.log(JSON.stringify(sent));
  console.log(t("confirm.sent", { to: sent.sentTo, expiresAt: sent.expiresAt }, lang));
  console.log(sent.notice[lang]);
}
