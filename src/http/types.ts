import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../app/context.js";
import type { ApiKeyScope } from "../auth/api-key-scopes.js";

/**
 * What a route requires, declared in its `config.access` (mandatory: registering a route without it fails at
 * startup). The auth hook decides from the matched route's declaration only, never from the URL string.
 * - `public`: anyone, no credentials;
 * - `authenticated`: any admin session or valid API key, whatever its scopes;
 * - `send` | `read` | `admin`: an API key holding that scope (`admin` covers all), or an admin session;
 * - `session`: an admin session only (cookie, plus the CSRF token on writes), never an API key.
 */
export const ROUTE_ACCESS = ["public", "authenticated", "send", "read", "admin", "session"] as const;
export type RouteAccess = (typeof ROUTE_ACCESS)[number];

export function isRouteAccess(value: unknown): value is RouteAccess {
  return typeof value === "string" && (ROUTE_ACCESS as readonly string[]).includes(value);
}

/** The Fastify instance every route file receives: zod schemas type the handlers. */
export type FacteurApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RouteOptions {
  ctx: AppContext;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call this route (see ROUTE_ACCESS); every route must declare it. */
    access?: RouteAccess;
    /**
     * The handler re-checks the caller's API key inside its own commit (the sending API does, in the batch that
     * inserts the message): the auth hook may then trust a key verified in the last two seconds instead of
     * reading `api_keys` on every request. A revoked key is still refused at once.
     */
    apiKeyRecheckedInCommit?: boolean;
    /** Set on a deprecated alias (src/http/deprecated-aliases.ts): the path that replaces this one. */
    successor?: string;
  }
  interface FastifyRequest {
    /**
     * Set when the auth hook trusted a cached API key check (`apiKeyRecheckedInCommit` routes): an error
     * answer re-reads the key first, so a revoked key gets 401, never a validation error.
     */
    recheckApiKey?: () => Promise<boolean>;
    /** Who is calling: an admin session or an API key; set by the auth hook. */
    principal?:
      | { kind: "admin"; adminId: number; email: string }
      | { kind: "apiKey"; apiKeyId: number; name: string; scopes: ApiKeyScope[] };
    /** Language of messages for this request: `?lang=`, then the `facteur_lang` cookie, then Accept-Language, then fr. */
    lang: "fr" | "en";
  }
}
