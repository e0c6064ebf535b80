import { z } from "zod";
import {
  apiKeyNameSchema,
  closeSession,
  countAdmins,
  createApiKey,
  findSession,
  listApiKeys,
  loginSchema,
  openSession,
  revokeApiKey,
  verifyAdmin,
} from "../../auth/admin.service.js";
import { forgetPreference, getPreference, savePreference } from "../../auth/preference.service.js";
import { completeFirstRun } from "../../auth/first-run.service.js";
import { beginLoginAttempt, DEVICE_COOKIE, DEVICE_COOKIE_PATH, DEVICE_TTL_MS } from "../../auth/throttle.js";
import { apiKeyScopesSchema } from "../../auth/api-key-scopes.js";
import { FacteurError } from "../../domain/errors.js";
import { singleLine } from "../../domain/text.js";
import { LANG_COOKIE, SESSION_COOKIE } from "../auth-hook.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { idParams } from "../../domain/id.js";
import { registerDeprecatedAliases } from "../deprecated-aliases.js";
import { preferenceSchema } from "../responses.js";

const FIRST_RUN = "/api/v1/first-run";

// First-run setup only (sign-in has its own failure-based throttling, src/auth/throttle.ts).
const FIRST_RUN_ATTEMPTS_PER_WINDOW = 10;
const FIRST_RUN_WINDOW = "5 minutes";
const PREFERENCE_MAX_BYTES = 8_192;

/** Login, logout, session info, first run, API keys and per-admin UI preferences. */
export default async function authRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  const cookieOptions = (maxAgeSeconds: number) => ({
    path: "/",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: ctx.config.secureCookies,
    // Max-Age must be a whole number of seconds (a fractional FACTEUR_SESSION_TTL_HOURS made login a 500).
    maxAge: Math.max(1, Math.floor(maxAgeSeconds)),
  });
  // First-run answered at /api/v1/setup until this release (deprecated; "setup" now means mail clients only).
  registerDeprecatedAliases(app, (url) =>
    url.startsWith(FIRST_RUN) ? `/api/v1/setup${url.slice(FIRST_RUN.length)}` : null,
  );

  app.get(
    "/api/v1/first-run/status",
    { config: { access: "public" }, schema: { tags: ["auth"] } },
    async () => {
      const needsFirstRun = (await countAdmins(ctx)) === 0;
      return { needsFirstRun, needsSetup: needsFirstRun }; // needsSetup: the pre-rename name, for one release
    },
  );

  app.post(
    "/api/v1/first-run",
    {
      config: {
        access: "public",
        rateLimit: { max: FIRST_RUN_ATTEMPTS_PER_WINDOW, timeWindow: FIRST_RUN_WINDOW },
      },
      schema: {
        tags: ["auth"],
        body: z
          .object({
            token: singleLine().min(1).max(200),
            email: singleLine().max(254),
            password: singleLine().max(256),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const admin = await completeFirstRun(
        ctx,
        request.body.token,
        request.body.email,
        request.body.password,
      );
      const session = await openSession(ctx, admin.id);
      reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(ctx.config.sessionTtlHours * 3600));
      return reply.status(201).send({ admin, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
    },
  );

  app.post(
    "/api/v1/auth/login",
    {
      config: { access: "public" },
      schema: { tags: ["auth"], body: loginSchema },
    },
    async (request, reply) => {
      let attempt;
      try {
        attempt = await beginLoginAttempt(ctx, {
          email: request.body.email,
          clientIp: request.ip,
          deviceToken: request.cookies[DEVICE_COOKIE],
        });
      } catch (error) {
        if (error instanceof FacteurError && error.code === "LOGIN_THROTTLED")
          reply.header("retry-after", String(error.meta?.retryAfterSeconds ?? 60));
        throw error;
      }
      const admin = await verifyAdmin(ctx, request.body.email, request.body.password);
      const { deviceToken } = await attempt.succeeded();
      if (deviceToken)
        reply.setCookie(DEVICE_COOKIE, deviceToken, {
          ...cookieOptions(DEVICE_TTL_MS / 1_000),
          path: DEVICE_COOKIE_PATH,
        });
      const session = await openSession(ctx, admin.id);
      reply.setCookie(SESSION_COOKIE, session.token, cookieOptions(ctx.config.sessionTtlHours * 3600));
      request.log.info({ adminId: admin.id }, "admin signed in");
      return { admin, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    },
  );

  app.post(
    "/api/v1/auth/logout",
    { config: { access: "session" }, schema: { tags: ["auth"] } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await closeSession(ctx, token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/auth/session",
    { config: { access: "authenticated" }, schema: { tags: ["auth"] } },
    async (request) => {
      const principal = request.principal;
      if (principal?.kind !== "admin") return { principal };
      const session = await findSession(ctx, request.cookies[SESSION_COOKIE] ?? "");
      return { principal, csrfToken: session?.csrfToken, expiresAt: session?.expiresAt, lang: request.lang };
    },
  );

  app.put(
    "/api/v1/auth/lang",
    {
      config: { access: "public" },
      schema: { tags: ["auth"], body: z.object({ lang: z.enum(["fr", "en"]) }).strict() },
    },
    async (request, reply) => {
      reply.setCookie(LANG_COOKIE, request.body.lang, {
        path: "/",
        sameSite: "lax",
        secure: ctx.config.secureCookies,
        maxAge: 365 * 86_400,
      });
      return { lang: request.body.lang };
    },
  );

  app.get("/api/v1/api-keys", { config: { access: "admin" }, schema: { tags: ["auth"] } }, async () => ({
    items: await listApiKeys(ctx),
  }));
  app.post(
    "/api/v1/api-keys",
    {
      config: { access: "admin" },
      schema: {
        tags: ["auth"],
        summary: "Create an API key with its scopes (send, read, admin; default send); the key is shown once",
        body: z.object({ name: apiKeyNameSchema, scopes: apiKeyScopesSchema.optional() }).strict(),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createApiKey(ctx, request.body.name, request.body.scopes)),
  );
  app.delete(
    "/api/v1/api-keys/:id",
    {
      config: { access: "admin" },
      schema: { tags: ["auth"], params: idParams },
    },
    async (request, reply) => {
      await revokeApiKey(ctx, request.params.id);
      return reply.status(204).send();
    },
  );

  /** UI preferences per admin (e.g. the servers table's visible columns), stored server-side. */
  app.get(
    "/api/v1/preferences/:key",
    {
      config: { access: "session" },
      schema: {
        tags: ["auth"],
        params: z.object({ key: z.string().regex(/^[a-z0-9._-]{1,64}$/) }),
        response: { 200: preferenceSchema },
      },
    },
    async (request) => {
      const adminId = requireAdmin(request.principal);
      return { key: request.params.key, value: await getPreference(ctx, adminId, request.params.key) };
    },
  );
  app.put(
    "/api/v1/preferences/:key",
    {
      config: { access: "session" },
      schema: {
        tags: ["auth"],
        params: z.object({ key: z.string().regex(/^[a-z0-9._-]{1,64}$/) }),
        body: z.object({ value: z.unknown() }).strict(),
        response: { 200: preferenceSchema },
      },
    },
    async (request) => {
      const adminId = requireAdmin(request.principal);
      const valueJson = JSON.stringify(request.body.value ?? null);
      if (valueJson.length > PREFERENCE_MAX_BYTES) throw new FacteurError("BODY_TOO_LARGE");
      await savePreference(ctx, adminId, request.params.key, valueJson);
      return { key: request.params.key, value: request.body.value ?? null };
    },
  );
  app.delete(
    "/api/v1/preferences/:key",
    {
      config: { access: "session" },
      schema: { tags: ["auth"], params: z.object({ key: z.string().regex(/^[a-z0-9._-]{1,64}$/) }) },
    },
    async (request, reply) => {
      const adminId = requireAdmin(request.principal);
      await forgetPreference(ctx, adminId, request.params.key);
      return reply.status(204).send();
    },
  );
}

function requireAdmin(principal: { kind: string; adminId?: number } | undefined): number {
  if (principal?.kind !== "admin" || principal.adminId === undefined) throw new FacteurError("FORBIDDEN");
  return principal.adminId;
}
