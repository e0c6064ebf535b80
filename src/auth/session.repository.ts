import type { Db } from "../store/db.js";

export async function insertSession(
  db: Db,
  session: { id_hash: string; admin_id: number; csrf_token: string; created_at: string; expires_at: string },
): Promise<void> {
  await db.insertInto("admin_sessions").values(session).execute();
}

/** The session with this cookie hash and its admin's email, expired or not (the caller checks the date). */
export async function selectSessionByHash(
  db: Db,
  idHash: string,
): Promise<{ admin_id: number; email: string; csrf_token: string; expires_at: string } | undefined> {
  return db
    .selectFrom("admin_sessions as s")
    .innerJoin("admins as a", "a.id", "s.admin_id")
    .select(["s.admin_id", "a.email", "s.csrf_token", "s.expires_at"])
    .where("s.id_hash", "=", idHash)
    .executeTakeFirst();
}

export async function deleteSessionByHash(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom("admin_sessions").where("id_hash", "=", idHash).execute();
}

/** Drops sessions that expired at or before `now` (ISO). */
export async function deleteExpiredSessions(db: Db, now: string): Promise<void> {
  await db.deleteFrom("admin_sessions").where("expires_at", "<=", now).execute();
}
