import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { AppContext } from "../app/context.js";

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
    /** Anyone may call: default true outside /api, false under /api (health, login, autoconfig are public). */
    public?: boolean;
    /**
     * The handler re-checks the caller's API key inside its own commit (the sending API does, in the batch that
     * inserts the message): the auth hook may then trust a key verified in the last two seconds instead of
     * reading `api_keys` on every request. A revoked key is still refused at once.
     */
    apiKeyRecheckedInCommit?: boolean;
  }
  interface FastifyRequest {
    /**
     * Set when the auth hook trusted a cached API key check (`apiKeyRecheckedInCommit` routes): an error
     * answer re-reads the key first, so a revoked key gets 401, never a validation error.
     */
    recheckApiKey?: () => Promise<boolean>;
    /** Who is calling: an admin session or an API key; set by the auth hook. */
    principal?:
      { kind: "admin"; adminId: number; email: string } | { kind: "apiKey"; apiKeyId: number; name: string };
    /** Language of messages for this request: `?lang=`, then the `facteur_lang` cookie, then Accept-Language, then fr. */
    lang: "fr" | "en";
  }
}
