import type { RouteOptions as FastifyRouteOptions } from "fastify";
import type { FacteurApp } from "./types.js";

/**
 * The day the old paths were deprecated (RFC 9745 `Deprecation: @<epoch seconds>`): the mail-client API moved
 * from `/api/v1/setup/…` to `/api/v1/clients/…` and first-run from `/api/v1/setup` to `/api/v1/first-run`.
 * The old paths answer for one more release, then go.
 */
export const RENAMED_ON = Date.UTC(2026, 11, 3) / 1000;

/**
 * Registers, for each route this plugin declares under `from`, the same route under its old path: same
 * handler, schema and access requirement (the auth hook reads the copy's own `config.access`), marked
 * deprecated in OpenAPI and answered with `Deprecation` and a `Link` to the successor (RFC 9745, RFC 8288).
 * `oldPathOf` maps a new path to its old one, or null when the route had none.
 */
export function registerDeprecatedAliases(app: FacteurApp, oldPathOf: (url: string) => string | null): void {
  app.addHook("onRoute", function (route: FastifyRouteOptions) {
    if (route.config?.successor !== undefined) return; // the alias itself: no alias of an alias
    const old = oldPathOf(route.url);
    if (old === null || old === route.url) return;
    // HEAD copies are made by Fastify itself for each GET, aliases included.
    if (route.method === "HEAD" || (Array.isArray(route.method) && route.method.includes("HEAD"))) return;
    this.route({
      method: route.method,
      url: old,
      handler: route.handler,
      ...(route.schema ? { schema: { ...route.schema, deprecated: true } } : {}),
      config: { ...route.config, successor: route.url },
      ...(route.preValidation ? { preValidation: route.preValidation } : {}),
      ...(route.preHandler ? { preHandler: route.preHandler } : {}),
      ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    });
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    const successor = request.routeOptions.config.successor;
    if (successor !== undefined) {
      reply.header("deprecation", `@${RENAMED_ON}`);
      reply.header("link", `<${successor}>; rel="successor-version"`);
    }
    done(null, payload);
  });
}
