import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../app/context.js";
import { findSession, verifyApiKey, verifyApiKeyCached } from "../auth/admin.service.js";
import { safeEqual } from "../auth/tokens.js";
import { FacteurError, type Lang } from "../domain/errors.js";

export const SESSION_COOKIE = "facteur_session";
export const LANG_COOKIE = "facteur_lang";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** `?lang=`, then the language cookie, then Accept-Language; French by default. */
export function requestLang(request: FastifyRequest): Lang {
  const query = (request.query as Record<string, unknown> | undefined)?.lang;
  if (query === "en" || query === "fr") return query;
  const cookie = request.cookies?.[LANG_COOKIE];
  if (cookie === "en" || cookie === "fr") return cookie;
  const accept = request.headers["accept-language"];
  if (typeof accept === "string") {
    const first = accept.split(",")[0]?.trim().toLowerCase() ?? "";
    if (first.startsWith("en")) return "en";
  }
  return "fr";
}

/**
 * Every /api route needs an admin session (cookie) or an API key (`Authorization: Bearer fct_…`) unless its
 * config says `public: true`. Cookie-authenticated writes also need the session's CSRF token in
 * `X-CSRF-Token` (the cookie is SameSite=Strict too: two independent defences).
 */
export function authHook(ctx: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.lang = requestLang(request);
    // API routes are private unless marked public; pages outside /api (UI assets, autoconfig, confirmation
    // links) are public unless marked `public: false`.
    const isPublic = request.routeOptions.config?.public ?? !request.url.startsWith("/api/");
    if (isPublic) return;
    const authorization = request.headers.authorization;
    if (typeof authorization === "string" && /^Bearer\s+/i.test(authorization)) {
      const key = authorization.replace(/^Bearer\s+/i, "").trim();
      const cached = request.routeOptions.config?.apiKeyRecheckedInCommit === true;
      const apiKey = cached ? await verifyApiKeyCached(ctx, key) : await verifyApiKey(ctx, key);
      // A database error while re-checking keeps the original answer (the key was valid moments ago).
      if (cached)
        request.recheckApiKey = () =>
          verifyApiKey(ctx, key).then(
            (valid) => valid !== null,
            () => true,
          );
      if (!apiKey) throw new FacteurError("UNAUTHENTICATED");
      request.principal = { kind: "apiKey", apiKeyId: apiKey.id, name: apiKey.name };
      return;
    }
    const token = request.cookies?.[SESSION_COOKIE];
    if (!token) throw new FacteurError("UNAUTHENTICATED");
    const session = await findSession(ctx, token);
    if (!session) throw new FacteurError("UNAUTHENTICATED");
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers["x-csrf-token"];
      if (typeof sent !== "string" || !safeEqual(sent, session.csrfToken))
        throw new FacteurError("CSRF_INVALID");
    }
    request.principal = { kind: "admin", adminId: session.adminId, email: session.email };
  };
}
