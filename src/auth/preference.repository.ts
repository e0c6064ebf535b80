import type { Db } from "../store/db.js";

/** One admin's stored UI preference (JSON text), or undefined. */
export async function selectPreference(db: Db, adminId: number, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("admin_preferences")
    .select("value_json")
    .where("admin_id", "=", adminId)
    .where("key", "=", key)
    .executeTakeFirst();
  return row?.value_json;
}

export async function upsertPreference(
  db: Db,
  adminId: number,
  key: string,
  valueJson: string,
  updatedAt: string,
): Promise<void> {
  await db
    .insertInto("admin_preferences")
    .values({ admin_id: adminId, key, value_json: valueJson, updated_at: updatedAt })
    .onConflict((oc) =>
      oc.columns(["admin_id", "key"]).doUpdateSet({ value_json: valueJson, updated_at: updatedAt }),
    )
    .execute();
}

export async function deletePreference(db: Db, adminId: number, key: string): Promise<void> {
  await db.deleteFrom("admin_preferences").where("admin_id", "=", adminId).where("key", "=", key).execute();
}
