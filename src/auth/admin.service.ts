import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { perContext, type AppContext } from "../app/context.js";
import type { Db } from "../store/db.js";
import { FacteurError } from "../domain/errors.js";
import { emailSchema, passwordSchema } from "../domain/smtp-server.js";
import { singleLine, singleLineText } from "../domain/text.js";
import { parseOrThrow } from "../domain/validation.js";
import {
  apiKeyScopesSchema,
  DEFAULT_API_KEY_SCOPES,
  formatScopes,
  parseScopes,
  type ApiKeyScope,
} from "./api-key-scopes.js";
import {
  adminEmailTaken,
  countAdminRows,
  insertAdmin,
  insertFirstAdmin,
  selectAdminForSignIn,
} from "./admin.repository.js";
import {
  insertApiKey,
  revokeApiKeyRow,
  selectActiveApiKeyByHash,
  selectActiveApiKeyIds,
  selectApiKeys,
  touchApiKey,
} from "./api-key.repository.js";
import {
  deleteExpiredSessions,
  deleteSessionByHash,
  insertSession,
  selectSessionByHash,
} from "./session.repository.js";
import { hashToken, randomToken } from "./tokens.js";

const API_KEY_PREFIX = "fct_";

/** argon2id with the OWASP 2024 minimum profile (19 MiB, 2 passes, 1 lane). */
export const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const adminCredentialsSchema = z.object({ email: emailSchema, password: passwordSchema }).strict();
export const loginSchema = z
  .object({ email: singleLine().max(254), password: singleLine().max(256) })
  .strict();
/** An API key's label: shown in listings and logs, so one line without control characters. */
export const apiKeyNameSchema = singleLineText(100);

export interface AdminView {
  id: number;
  email: string;
  createdAt: string;
}

export async function countAdmins(ctx: AppContext): Promise<number> {
  return countAdminRows(ctx.db);
}

export async function createAdmin(ctx: AppContext, email: string, password: string): Promise<AdminView> {
  const parsed = parseOrThrow(adminCredentialsSchema, { email, password });
  if (await adminEmailTaken(ctx.db, parsed.email.toLowerCase())) throw new FacteurError("ADMIN_EMAIL_TAKEN");
  const now = ctx.now().toISOString();
  const row = await insertAdmin(ctx.db, {
    email: parsed.email.toLowerCase(),
    password_hash: await hash(parsed.password, ARGON2_OPTIONS),
    created_at: now,
  });
  // The first admin made by the CLI closes first run too: a first run committing after this row fails on
  // the singleton (FIRST_RUN_ALREADY_DONE) instead of making a second "first" admin.
  await insertFirstAdmin(ctx.db, row.id, now, { ifAbsent: true });
  ctx.logger.info({ adminId: row.id }, "admin created");
  return { id: row.id, email: row.email, createdAt: row.created_at };
}

/** A dummy hash verified when the email is unknown, so timing does not reveal which emails exist. */
let dummyHash: string | undefined;

export async function verifyAdmin(ctx: AppContext, email: string, password: string): Promise<AdminView> {
  const row = await selectAdminForSignIn(ctx.db, email.trim().toLowerCase());
  if (!row) {
    dummyHash ??= await hash("dummy-password-for-timing", ARGON2_OPTIONS);
    await verify(dummyHash, password).catch(() => false);
    throw new FacteurError("INVALID_CREDENTIALS");
  }
  const ok = await verify(row.password_hash, password).catch(() => false);
  if (!ok) throw new FacteurError("INVALID_CREDENTIALS");
  return { id: row.id, email: row.email, createdAt: row.created_at };
}

export interface Session {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

export async function openSession(ctx: AppContext, adminId: number): Promise<Session> {
  const token = randomToken();
  const csrfToken = randomToken();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.config.sessionTtlHours * 3_600_000).toISOString();
  await insertSession(ctx.db, {
    id_hash: hashToken(token),
    admin_id: adminId,
    csrf_token: csrfToken,
    created_at: now.toISOString(),
    expires_at: expiresAt,
  });
  return { token, csrfToken, expiresAt };
}

export async function findSession(
  ctx: AppContext,
  token: string,
): Promise<{ adminId: number; email: string; csrfToken: string; expiresAt: string } | null> {
  const row = await selectSessionByHash(ctx.db, hashToken(token));
  if (!row || row.expires_at <= ctx.now().toISOString()) return null;
  return { adminId: row.admin_id, email: row.email, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

export async function closeSession(ctx: AppContext, token: string): Promise<void> {
  await deleteSessionByHash(ctx.db, hashToken(token));
  await deleteExpiredSessions(ctx.db, ctx.now().toISOString());
}

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** What the key may do (see API_KEY_SCOPES); `admin` covers everything. */
  scopes: ApiKeyScope[];
}

/**
 * Creates an API key with its scopes (`send` unless told otherwise); the clear key is returned once and only
 * its hash is stored.
 */
export async function createApiKey(
  ctx: AppContext,
  name: string,
  scopes: readonly ApiKeyScope[] = DEFAULT_API_KEY_SCOPES,
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const stored = formatScopes(parseOrThrow(apiKeyScopesSchema, [...scopes]));
  const key = `${API_KEY_PREFIX}${randomToken()}`;
  const id = await insertApiKey(ctx.db, {
    name: parseOrThrow(apiKeyNameSchema, name),
    prefix: key.slice(0, 10),
    key_hash: hashToken(key),
    created_at: ctx.now().toISOString(),
    scopes: stored,
  });
  const apiKey = (await listApiKeys(ctx)).find((k) => k.id === id);
  if (!apiKey) throw new FacteurError("INTERNAL");
  return { key, apiKey };
}

export async function listApiKeys(ctx: AppContext): Promise<ApiKeyView[]> {
  const rows = await selectApiKeys(ctx.db);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    scopes: parseScopes(r.scopes),
  }));
}

export async function revokeApiKey(ctx: AppContext, id: number): Promise<void> {
  if (!(await revokeApiKeyRow(ctx.db, id, ctx.now().toISOString())))
    throw new FacteurError("API_KEY_NOT_FOUND");
  const cache = apiKeyCache(ctx);
  for (const [hashed, entry] of cache) if (entry.id === id) cache.delete(hashed);
}

/**
 * How long a verified API key may be trusted without reading `api_keys` again, on routes that re-check it
 * inside their own commit (route config `apiKeyRecheckedInCommit`): the sending API, called at thousands of
 * requests a second with one key. Every other route reads the table on every request.
 */
export const API_KEY_CACHE_TTL_MS = 2_000;
const API_KEY_CACHE_MAX = 1_000; // distinct keys remembered; only valid keys enter
/** What the auth hook learns from a valid key. */
export type VerifiedApiKey = { id: number; name: string; scopes: ApiKeyScope[] };
type CachedKey = VerifiedApiKey & { until: number };
const apiKeyCache = perContext(() => new Map<string, CachedKey>());

/**
 * verifyApiKey with a short memory. A key revoked meanwhile may pass here: callers must re-check it where it
 * counts (see `activeApiKeyIds`), so a revocation still applies at once.
 */
export async function verifyApiKeyCached(ctx: AppContext, key: string): Promise<VerifiedApiKey | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const cache = apiKeyCache(ctx);
  const hashed = hashToken(key);
  const now = ctx.now().getTime();
  const cached = cache.get(hashed);
  if (cached && cached.until > now) return { id: cached.id, name: cached.name, scopes: cached.scopes };
  const verified = await verifyApiKey(ctx, key);
  if (!verified) {
    cache.delete(hashed);
    return null;
  }
  if (cache.size >= API_KEY_CACHE_MAX) cache.clear();
  cache.set(hashed, { ...verified, until: now + API_KEY_CACHE_TTL_MS });
  return verified;
}

/** Which of these API keys are still valid, read in the caller's transaction (one query for a batch). */
export async function activeApiKeyIds(db: Db, ids: number[]): Promise<Set<number>> {
  return selectActiveApiKeyIds(db, ids);
}

export async function verifyApiKey(ctx: AppContext, key: string): Promise<VerifiedApiKey | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const row = await selectActiveApiKeyByHash(ctx.db, hashToken(key));
  if (!row) return null;
  // Record use at most once a minute: keeps the hot path read-only under load.
  const now = ctx.now();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000) {
    await touchApiKey(ctx.db, row.id, now.toISOString());
  }
  return { id: row.id, name: row.name, scopes: parseScopes(row.scopes) };
}
