import type { AppContext } from "../app/context.js";
import { deletePreference, selectPreference, upsertPreference } from "./preference.repository.js";

/** An admin's stored UI preference (e.g. the servers table's visible columns), null when never saved. */
export async function getPreference(ctx: AppContext, adminId: number, key: string): Promise<unknown> {
  const valueJson = await selectPreference(ctx.db, adminId, key);
  return valueJson === undefined ? null : (JSON.parse(valueJson) as unknown);
}

/** Stores a preference already serialised (the route bounds its size first). */
export async function savePreference(
  ctx: AppContext,
  adminId: number,
  key: string,
  valueJson: string,
): Promise<void> {
  await upsertPreference(ctx.db, adminId, key, valueJson, ctx.now().toISOString());
}

export async function forgetPreference(ctx: AppContext, adminId: number, key: string): Promise<void> {
  await deletePreference(ctx.db, adminId, key);
}
