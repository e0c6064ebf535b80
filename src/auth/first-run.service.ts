import { hash } from "@node-rs/argon2";
import type { AppContext } from "../app/context.js";
import { FacteurError } from "../domain/errors.js";
import { parseOrThrow } from "../domain/validation.js";
import { adminCredentialsSchema, ARGON2_OPTIONS, type AdminView } from "./admin.service.js";
import {
  consumeFirstRunToken,
  deleteFirstRunTokens,
  firstAdminExists,
  insertAdmin,
  insertFirstAdmin,
  lockFirstRunTokens,
  replaceFirstRunTokens,
} from "./admin.repository.js";
import { hashToken, randomToken } from "./tokens.js";

export const FIRST_RUN_TOKEN_TTL_MS = 24 * 3_600_000; // long enough to find the link the next morning

/** Whether first run is over: the singleton `first_admin` row exists, or an admin was made otherwise. */
export async function firstRunDone(ctx: AppContext): Promise<boolean> {
  return firstAdminExists(ctx.db);
}

/**
 * A one-time link that lets the first visitor create the first admin; printed on start. Issuing one voids
 * every earlier link (a restart prints the only valid one; with several web processes, the last printed).
 */
export async function issueFirstRunToken(ctx: AppContext): Promise<string> {
  const token = randomToken();
  const expiresAt = new Date(ctx.now().getTime() + FIRST_RUN_TOKEN_TTL_MS).toISOString();
  await ctx.db.transaction().execute((trx) => replaceFirstRunTokens(trx, hashToken(token), expiresAt));
  return token;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || (typeof code === "string" && code.startsWith("SQLITE_CONSTRAINT"));
}

/**
 * Creates the first admin with a first-run link. The email and password are checked first: a refused password
 * leaves the link valid, so the same link can be used again until the first run succeeds. Then one transaction
 * consumes the link, creates the admin and writes the `first_admin` singleton row (primary key fixed to 1):
 * concurrent first runs with one or several links create exactly one admin, the others get FIRST_RUN_ALREADY_DONE
 * (409) or FIRST_RUN_TOKEN_INVALID (410).
 */
export async function completeFirstRun(
  ctx: AppContext,
  token: string,
  email: string,
  password: string,
): Promise<AdminView> {
  const parsed = parseOrThrow(adminCredentialsSchema, { email, password });
  if (await firstRunDone(ctx)) throw new FacteurError("FIRST_RUN_ALREADY_DONE");
  const passwordHash = await hash(parsed.password, ARGON2_OPTIONS); // slow: outside the transaction
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const now = ctx.now().toISOString();
      // Every link locked in one order first (PostgreSQL): two first runs holding one link each would otherwise
      // deadlock on the "every other link dies" delete below (40P01, answered 500).
      await lockFirstRunTokens(trx, ctx.dialect);
      if (await firstAdminExists(trx)) throw new FacteurError("FIRST_RUN_ALREADY_DONE");
      if (!(await consumeFirstRunToken(trx, hashToken(token), now)))
        throw new FacteurError("FIRST_RUN_TOKEN_INVALID");
      await deleteFirstRunTokens(trx); // every other link printed earlier dies with it
      const row = await insertAdmin(trx, {
        email: parsed.email.toLowerCase(),
        password_hash: passwordHash,
        created_at: now,
      });
      await insertFirstAdmin(trx, row.id, now, { ifAbsent: false });
      ctx.logger.info({ adminId: row.id }, "first admin created by the first run");
      return { id: row.id, email: row.email, createdAt: row.created_at };
    });
  } catch (error) {
    // A concurrent first run committed its singleton row first (PostgreSQL: the insert waited, then failed).
    if (isUniqueViolation(error)) throw new FacteurError("FIRST_RUN_ALREADY_DONE");
    throw error;
  }
}
