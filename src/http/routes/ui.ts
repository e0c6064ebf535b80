import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FacteurApp, RouteOptions } from "../types.js";

/** Where `vite build` writes the admin UI (web/dist at the package root). */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "web", "dist");

/** Serves the built admin UI; unknown non-API paths get index.html so client-side routes work on reload. */
export default async function uiRoutes(app: FacteurApp, _opts: RouteOptions): Promise<void> {
  if (!existsSync(join(WEB_DIST, "index.html"))) {
    app.get("/", { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/plain; charset=utf-8")
        .send(
          "Facteur API is running; the admin UI is not built (npm run build). / L'interface n'est pas compilée.",
        ),
    );
    return;
  }
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: "/", wildcard: false, index: ["index.html"] });
  app.get("/*", { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split("?")[0] ?? "/";
    if (path.startsWith("/api/")) return reply.callNotFound();
    return reply.header("cache-control", "no-cache").sendFile("index.html");
  });
}
