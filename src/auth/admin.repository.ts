import type { Transaction } from "kysely";
import type { Db, DialectName } from "../store/db.js";
import type { Database } from "../store/schema.js";
import "./auth.table.js";

/** An admin as the rest of Facteur sees it (never the password hash). */
export interface AdminRow {
  id: number;
  email: string;
  created_at: string;
}

export async function countAdminRows(db: Db): Promise<number> {
  const row = await db
    .selectFrom("admins")
    .select(({ fn }) => fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether an admin holds this (already lower-cased) email. */
export async function adminEmailTaken(db: Db, email: string): Promise<boolean> {
  return (
    (await db.selectFrom("admins").select("id").where("email", "=", email).executeTakeFirst()) !== undefined
  );
}

/** The admin with this (already normalised) email, with its password hash, for sign-in only. */
export async function selectAdminForSignIn(
  db: Db,
  email: string,
): Promise<(AdminRow & { password_hash: string }) | undefined> {
  return db
    .selectFrom("admins")
    .select(["id", "email", "created_at", "password_hash"])
    .where("email", "=", email)
    .executeTakeFirst();
}

export async function insertAdmin(
  db: Db,
  admin: { email: string; password_hash: string; created_at: string },
): Promise<AdminRow> {
  return db
    .insertInto("admins")
    .values(admin)
    .returning(["id", "email", "created_at"])
    .executeTakeFirstOrThrow();
}

/**
 * Writes the `first_admin` singleton (primary key fixed to 1). `ifAbsent`: a no-op when it exists (an admin
 * made by the CLI); otherwise a second write fails on the key, which is how concurrent first runs lose.
 */
export async function insertFirstAdmin(
  db: Db,
  adminId: number,
  completedAt: string,
  options: { ifAbsent: boolean },
): Promise<void> {
  let query = db.insertInto("first_admin").values({ id: 1, admin_id: adminId, completed_at: completedAt });
  if (options.ifAbsent) query = query.onConflict((oc) => oc.column("id").doNothing());
  await query.execute();
}

/** Whether first run is over: the `first_admin` row exists, or any admin exists. */
export async function firstAdminExists(db: Db): Promise<boolean> {
  const first = await db.selectFrom("first_admin").select("id").executeTakeFirst();
  if (first) return true;
  return (await db.selectFrom("admins").select("id").limit(1).executeTakeFirst()) !== undefined;
}

/** Voids every first-run link and stores the new one (its hash). */
export async function replaceFirstRunTokens(db: Db, tokenHash: string, expiresAt: string): Promise<void> {
  await db.deleteFrom("first_run_tokens").execute();
  await db
    .insertInto("first_run_tokens")
    .values({ token_hash: tokenHash, expires_at: expiresAt, used_at: null })
    .execute();
}

/**
 * PostgreSQL: locks every first-run link in one order, so two first runs holding one link each cannot deadlock on
 * `deleteFirstRunTokens` (40P01). SQLite transactions begin IMMEDIATE and are serial already: nothing to do.
 */
export async function lockFirstRunTokens(trx: Transaction<Database>, dialect: DialectName): Promise<void> {
  if (dialect !== "postgres") return;
  await trx.selectFrom("first_run_tokens").select("token_hash").orderBy("token_hash").forUpdate().execute();
}

/** Spends a first-run link if it is unused and not expired at `now`; true when this call spent it. */
export async function consumeFirstRunToken(db: Db, tokenHash: string, now: string): Promise<boolean> {
  const claimed = await db
    .deleteFrom("first_run_tokens")
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(claimed.numDeletedRows) === 1;
}

export async function deleteFirstRunTokens(db: Db): Promise<void> {
  await db.deleteFrom("first_run_tokens").execute();
}
