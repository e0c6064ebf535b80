import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../app/context.js";
import { findSession, verifyApiKey, verifyApiKeyCached } from "../auth/admin.service.js";
import { safeEqual } from "../auth/tokens.js";
import { scopesAllow } from "../auth/api-key-scopes.js";
import { FacteurError, type Lang } from "../domain/errors.js";
import { isRouteAccess, ROUTE_ACCESS, type RouteAccess } from "./types.js";

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

type Principal = NonNullable<FastifyRequest["principal"]>;

/** Whether this caller may use a route that declares `access` (never called for `public` routes). */
export function principalMayAccess(principal: Principal, access: Exclude<RouteAccess, "public">): boolean {
  if (access === "authenticated") return true;
  if (access === "session") return principal.kind === "admin";
  // An admin session holds every scope.
  return principal.kind === "admin" || scopesAllow(principal.scopes, access);
}

/**
 * The one access decision: from the `config.access` the MATCHED route declares, never from the URL string (the
 * router decodes and normalises paths; a second parser here could disagree with it). A request that matched no
 * route goes to the not-found handler, which only answers 404. Credentials: an admin session (cookie; writes
 * also need the session's CSRF token in `X-CSRF-Token`, and the cookie is SameSite=Strict: two independent
 * defences) or an API key (`Authorization: Bearer fct_…`) holding the scope the route requires.
 */
export function authHook(ctx: AppContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    request.lang = requestLang(request);
    if (request.is404) return; // no route matched: the not-found handler answers 404 and does nothing else
    const access: unknown = request.routeOptions.config?.access;
    // Unreachable (the onRoute check refuses such routes at startup), but an undeclared route stays closed.
    if (!isRouteAccess(access)) throw new FacteurError("FORBIDDEN");
    if (access === "public") return;
    const principal = await authenticate(ctx, request);
    if (!principalMayAccess(principal, access))
      throw new FacteurError(
        principal.kind === "apiKey" && access !== "session" ? "API_KEY_SCOPE_MISSING" : "FORBIDDEN",
      );
    request.principal = principal;
  };
}

async function authenticate(ctx: AppContext, request: FastifyRequest): Promise<Principal> {
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
    return { kind: "apiKey", apiKeyId: apiKey.id, name: apiKey.name, scopes: apiKey.scopes };
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
  return { kind: "admin", adminId: session.adminId, email: session.email };
}

/**
 * The access a route being registered declares; throws when it declares none (or an unknown one), so a route
 * without a decision stops the server at startup instead of opening or closing silently.
 */
export function declaredAccess(route: {
  method: string | string[];
  url: string;
  config?: { access?: unknown };
}): RouteAccess {
  const access = route.config?.access;
  if (isRouteAccess(access)) return access;
  const methods = Array.isArray(route.method) ? route.method.join(",") : route.method;
  throw new Error(
    `Route ${methods} ${route.url} must declare config.access (${ROUTE_ACCESS.join(" | ")}), got ${String(access)}`,
  );
}

/**
 * The OpenAPI security requirement of a route (OpenAPI 3.1 lets a bearer scheme list the roles it needs: here
 * the API key scope). Public routes need nothing; session-only routes cannot be called with a key.
 */
export function openApiSecurity(access: RouteAccess): Array<Record<string, string[]>> {
  switch (access) {
    case "public":
      return [];
    case "session":
      return [{ session: [] }];
    case "authenticated":
      return [{ session: [] }, { apiKey: [] }];
    default:
      return [{ session: [] }, { apiKey: [access] }];
  }
}
