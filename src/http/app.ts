import cookie from "@fastify/cookie";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify from "fastify";
import { jsonSchemaTransform, serializerCompiler } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { AppContext } from "../app/context.js";
import { fastifyTrustProxy } from "../config/trust-proxy.js";
import { incrementCounter } from "../app/metrics.js";
import { FacteurError } from "../domain/errors.js";
import { zodIssuesToFieldIssues } from "../domain/field-issues.js";
import { clientErrorHandler } from "./client-error.js";
import { authHook, declaredAccess, openApiSecurity, requestLang } from "./auth-hook.js";
import { errorBody, handleError } from "./errors.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { nulCharacterIssues } from "./input-guard.js";
import authRoutes from "./routes/auth.js";
import confirmationRoutes from "./routes/confirmation.js";
import departmentRoutes from "./routes/departments.js";
import diagnosticsRoutes from "./routes/diagnostics.js";
import exportRoutes from "./routes/export.js";
import healthRoutes from "./routes/health.js";
import metricsRoutes from "./routes/metrics.js";
import sendingRoutes from "./routes/sending.js";
import serverRoutes from "./routes/servers.js";
import clientsRoutes from "./routes/clients.js";
import uiRoutes from "./routes/ui.js";
import type { FacteurApp, RouteAccess } from "./types.js";

export const API_BODY_LIMIT_BYTES = 1024 * 1024; // a server with a 200 KiB logo in base64 fits; routes needing more raise it

/** A registered route and what it declared it requires (for the access audits and the OpenAPI document). */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: RouteAccess;
  /** `access === "public"`. */
  public: boolean;
  /** On a deprecated alias (src/http/deprecated-aliases.ts): the path that replaces it. */
  successor?: string;
}
/** Every route registered on an app, with its declared access (for the access audit tests). */
const ROUTES = new WeakMap<object, RegisteredRoute[]>();
export function registeredRoutes(app: FacteurApp): ReadonlyArray<RegisteredRoute> {
  return ROUTES.get(app) ?? [];
}

/**
 * Router matching is strict and explicit (docs/ARCHITECTURE.md, "Access decisions"): one spelling per route.
 * Paths are case-sensitive, a trailing slash or a doubled slash is another (unknown) path, and `;` is part of
 * the path, not a parameter delimiter. Whatever the router accepts, the access decision comes from the route it
 * matched, so these settings only keep the set of accepted spellings small and predictable.
 */
export const ROUTER_OPTIONS = {
  caseSensitive: true,
  ignoreTrailingSlash: false,
  ignoreDuplicateSlashes: false,
  useSemicolonDelimiter: false,
  maxParamLength: 100,
} as const;

/** Builds the Fastify application for a context; `listen` is the caller's business (serve, tests). */
export async function buildApp(ctx: AppContext): Promise<FacteurApp> {
  const app = Fastify({
    loggerInstance: ctx.logger,
    bodyLimit: API_BODY_LIMIT_BYTES,
    // Only the configured proxies may set the client address (X-Forwarded-For); see src/config/trust-proxy.ts.
    trustProxy: fastifyTrustProxy(ctx.config.trustProxy),
    requestIdHeader: "x-request-id",
    // Requests Node's HTTP parser refuses (wrong Content-Length…) answer with the API's error body too.
    clientErrorHandler: clientErrorHandler(ctx.logger),
    routerOptions: ROUTER_OPTIONS,
    // Errors raised before routing (bad percent-encoding, over-long parameters) get the API's error body too.
    frameworkErrors: (error, request, reply) => {
      request.lang = requestLang(request);
      void handleError(error, request, reply);
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<import("fastify-type-provider-zod").ZodTypeProvider>() as unknown as FacteurApp;

  // Validation through the shared zod schemas, with FR/EN field messages.
  app.setValidatorCompiler(({ schema }) => (data: unknown) => {
    const result = (schema as z.ZodType).safeParse(data);
    if (result.success) return { value: result.data };
    return {
      error: new FacteurError("VALIDATION_FAILED", { details: zodIssuesToFieldIssues(result.error.issues) }),
    };
  });
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // No route matched: nothing runs but this answer (the auth hook lets it through, there is nothing to protect).
  app.setNotFoundHandler(async (request, reply) => {
    await reply.status(404).send(errorBody("NOT_FOUND", request.lang ?? "fr", String(request.id)));
  });

  await app.register(cookie);
  await registerSecurityHeaders(app, ctx.config);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Facteur API",
        version: "1.0.0",
        description: "SMTP registry, diagnostics, sending, client setup.",
      },
      components: {
        securitySchemes: {
          session: { type: "apiKey", in: "cookie", name: "facteur_session" },
          apiKey: { type: "http", scheme: "bearer" },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // Fail closed: a route that does not declare who may call it stops the server at startup.
  app.addHook("onRoute", (route) => {
    const access = declaredAccess(route);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods)
      ROUTES.get(app)?.push({
        method,
        url: route.url,
        access,
        public: access === "public",
        ...(route.config?.successor !== undefined ? { successor: route.config.successor } : {}),
      });
    // The OpenAPI document states each operation's requirement (the scope, for API keys).
    route.schema = { ...route.schema, security: openApiSecurity(access) };
  });
  ROUTES.set(app, []);
  app.addHook("onRequest", authHook(ctx));
  // PostgreSQL text cannot hold NUL: a query string, path or JSON body with one (`?recipient=%00`) would
  // reach the database as an error (500). Refused up front for every route (src/http/input-guard.ts).
  app.addHook("preValidation", (request, _reply, done) => {
    if (request.is404) return done(); // no route matched: a plain 404, whatever the path holds
    const issues = [
      ...nulCharacterIssues(request.query, "query"),
      ...nulCharacterIssues(request.params, "params"),
      ...(typeof request.body === "object" ? nulCharacterIssues(request.body, null) : []),
    ];
    done(issues.length > 0 ? new FacteurError("VALIDATION_FAILED", { details: issues }) : undefined);
  });
  app.addHook("onResponse", (request, reply, done) => {
    incrementCounter("facteur_http_requests_total", "HTTP requests answered, by route and status class", {
      method: request.method,
      route: request.routeOptions.url ?? "unmatched",
      status: `${Math.floor(reply.statusCode / 100)}xx`,
    });
    done();
  });
  // Synchronous hook: it runs on every response, and the async form costs a promise per request.
  app.addHook("onSend", (_request, reply, payload, done) => {
    reply.header("x-content-type-options", "nosniff");
    // A route's own policy stays (the confirmation page sends no-referrer: its URL holds the token).
    if (!reply.hasHeader("referrer-policy")) reply.header("referrer-policy", "same-origin");
    if (!reply.hasHeader("x-frame-options")) reply.header("x-frame-options", "DENY");
    done(null, payload);
  });

  const opts = { ctx };
  await app.register(healthRoutes, opts);
  await app.register(metricsRoutes, opts);
  await app.register(authRoutes, opts);
  await app.register(serverRoutes, opts);
  await app.register(exportRoutes, opts);
  await app.register(departmentRoutes, opts);
  await app.register(diagnosticsRoutes, opts);
  await app.register(sendingRoutes, opts);
  await app.register(confirmationRoutes, opts);
  await app.register(clientsRoutes, opts);
  await app.register(uiRoutes, opts);

  app.get("/api/v1/openapi.json", { config: { access: "public" }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.ready();
  return app;
}
