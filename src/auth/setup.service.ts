import { hash } from "@node-rs/argon2";
import type { AppContext } from "../app/context.js";
import { FacteurError } from "../domain/errors.js";
import { parseOrThrow } from "../domain/validation.js";
import { adminCredentialsSchema, ARGON2_OPTIONS, type AdminView } from "./admin.service.js";
import "./auth.table.js";
import { hashToken, randomToken } from "./tokens.js";

export const SETUP_TOKEN_TTL_MS = 24 * 3_600_000; // long enough to find the link the next morning

/** Whether first-run setup is over: the singleton `first_admin` row exists, or an admin was made otherwise. */
export async function setupDone(ctx: AppContext): Promise<boolean> {
  const first = await ctx.db.selectFrom("first_admin").select("id").executeTakeFirst();
  if (first) return true;
  return (await ctx.db.selectFrom("admins").select("id").limit(1).executeTakeFirst()) !== undefined;
}

/**
 * A one-time link that lets the first visitor create the first admin; printed on start. Issuing one voids
 * every earlier link (a restart prints the only valid one; with several web processes, the last printed).
 */
export async function issueSetupToken(ctx: AppContext): Promise<string> {
  const token = randomToken();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("setup_tokens").execute();
    await trx
      .insertInto("setup_tokens")
      .values({
        token_hash: hashToken(token),
        expires_at: new Date(ctx.now().getTime() + SETUP_TOKEN_TTL_MS).toISOString(),
        used_at: null,
      })
      .execute();
  });
  return token;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || (typeof code === "string" && code.startsWith("SQLITE_CONSTRAINT"));
}

/**
 * Creates the first admin with a setup link. The email and password are checked first: a refused password
 * leaves the link valid, so the same link can be used again until setup succeeds. Then one transaction
 * consumes the link, creates the admin and writes the `first_admin` singleton row (primary key fixed to 1):
 * concurrent setups with one or several links create exactly one admin, the others get SETUP_ALREADY_DONE
 * (409) or SETUP_TOKEN_INVALID (410).
 */
export async function completeSetup(
  ctx: AppContext,
  token: string,
  email: string,
  password: string,
): Promise<AdminView> {
  const parsed = parseOrThrow(adminCredentialsSchema, { email, password });
  if (await setupDone(ctx)) throw new FacteurError("SETUP_ALREADY_DONE");
  const passwordHash = await hash(parsed.password, ARGON2_OPTIONS); // slow: outside the transaction
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now().toISOString();
      // PostgreSQL: lock every link in one order first. Two setups holding one link each would otherwise
      // deadlock on the "every other link dies" delete below (40P01, answered 500). SQLite transactions
      // begin IMMEDIATE and are serial already.
      if (ctx.dialect === "postgres")
        await trx.selectFrom("setup_tokens").select("token_hash").orderBy("token_hash").forUpdate().execute();
      const done =
        (await trx.selectFrom("first_admin").select("id").executeTakeFirst()) ??
        (await trx.selectFrom("admins").select("id").limit(1).executeTakeFirst());
      if (done) throw new FacteurError("SETUP_ALREADY_DONE");
      const claimed = await trx
        .deleteFrom("setup_tokens")
        .where("token_hash", "=", hashToken(token))
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      if (Number(claimed.numDeletedRows) !== 1) throw new FacteurError("SETUP_TOKEN_INVALID");
      await trx.deleteFrom("setup_tokens").execute(); // every other link printed earlier dies with it
      const row = await trx
        .insertInto("admins")
        .values({ email: parsed.email.toLowerCase(), password_hash: passwordHash, created_at: now })
        .returning(["id", "email", "created_at"])
        .executeTakeFirstOrThrow();
      await trx.insertInto("first_admin").values({ id: 1, admin_id: row.id, completed_at: now }).execute();
      ctx.logger.info({ adminId: row.id }, "first admin created by setup");
      return { id: row.id, email: row.email, createdAt: row.created_at };
    });
  } catch (error) {
    // A concurrent setup committed its singleton row first (PostgreSQL: the insert waited, then failed).
    if (isUniqueViolation(error)) throw new FacteurError("SETUP_ALREADY_DONE");
    throw error;
  }
}
