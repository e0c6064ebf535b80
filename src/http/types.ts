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
  }
  interface FastifyRequest {
    /** Who is calling: an admin session or an API key; set by the auth hook. */
    principal?:
      { kind: "admin"; adminId: number; email: string } | { kind: "apiKey"; apiKeyId: number; name: string };
    /** Language of messages for this request: `?lang=`, then the `facteur_lang` cookie, then Accept-Language, then fr. */
    lang: "fr" | "en";
  }
}
