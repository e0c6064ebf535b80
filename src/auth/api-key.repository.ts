import type { Selectable } from "kysely";
import type { Db } from "../store/db.js";
import type { ApiKeyTable } from "../store/schema.js";

export type ApiKeyRow = Selectable<ApiKeyTable>;

export async function insertApiKey(
  db: Db,
  key: { name: string; prefix: string; key_hash: string; created_at: string; scopes: string },
): Promise<number> {
  const row = await db
    .insertInto("api_keys")
    .values({ ...key, last_used_at: null, revoked_at: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Every key, revoked ones included, oldest first. */
export async function selectApiKeys(db: Db): Promise<ApiKeyRow[]> {
  return db.selectFrom("api_keys").selectAll().orderBy("id").execute();
}

/** Revokes a key still active; false when there is no such active key. */
export async function revokeApiKeyRow(db: Db, id: number, revokedAt: string): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: revokedAt })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Which of these keys are not revoked (one query for a batch). */
export async function selectActiveApiKeyIds(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom("api_keys")
    .select("id")
    .where("id", "in", [...new Set(ids)])
    .where("revoked_at", "is", null)
    .execute();
  return new Set(rows.map((row) => row.id));
}

/** The active key with this hash. */
export async function selectActiveApiKeyByHash(
  db: Db,
  keyHash: string,
): Promise<Pick<ApiKeyRow, "id" | "name" | "last_used_at" | "scopes"> | undefined> {
  return db
    .selectFrom("api_keys")
    .select(["id", "name", "last_used_at", "scopes"])
    .where("key_hash", "=", keyHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

export async function touchApiKey(db: Db, id: number, usedAt: string): Promise<void> {
  await db.updateTable("api_keys").set({ last_used_at: usedAt }).where("id", "=", id).execute();
}
