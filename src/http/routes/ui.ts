import { existsSync, readdirSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyRequest } from "fastify";
import { FacteurError } from "../../domain/errors.js";
import type { FacteurApp, RouteOptions } from "../types.js";

/** Where `vite build` writes the admin UI (web/dist at the package root). */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "web", "dist");

/** Every file of the built UI, as paths relative to WEB_DIST with `/` separators ("assets/index-x.js"). */
function builtFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? builtFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.isFile()
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

/** A client-side route of the UI (`departments`, `keys`…): plain lower-case segments, nothing else. */
const CLIENT_ROUTE = /^(?:[a-z0-9-]+(?:\/[a-z0-9-]+)*)?$/;

/**
 * Whether a decoded wildcard path names the API however it is spelled (`API/v1`, `/./api`, `x/../api;x`,
 * `api%2Fv1`): those get the API's 404, never the UI shell.
 */
export function isApiPath(path: string): boolean {
  const normal = posix.normalize(`/${path.replace(/\\/g, "/")}`).replace(/\/{2,}/g, "/");
  return /^\/api(?![a-z0-9_-])/i.test(normal);
}

/**
 * Serves the built admin UI: a file of the build by its exact name, index.html for a client-side route (plain
 * lower-case segments) so they work on reload. Anything else, and any spelling of /api that matched no API
 * route, gets the API's 404, decided from the path the router decoded (the wildcard parameter), never from the
 * raw URL.
 */
export default async function uiRoutes(app: FacteurApp, _opts: RouteOptions): Promise<void> {
  if (!existsSync(join(WEB_DIST, "index.html"))) {
    app.get("/", { config: { access: "public" }, schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/plain; charset=utf-8")
        .send(
          "Facteur API is running; the admin UI is not built (npm run build). / L'interface n'est pas compilée.",
        ),
    );
    return;
  }
  // Only the files present at startup are served, by exact name: no path resolution, no traversal.
  const files = new Set(builtFiles(WEB_DIST));
  await app.register(fastifyStatic, { root: WEB_DIST, serve: false });
  const served = (path: string) => files.has(path) || (CLIENT_ROUTE.test(path) && !isApiPath(path));
  app.get(
    "/*",
    {
      config: { access: "public" },
      schema: { hide: true },
      // Anything else is unknown here: the API's 404, before any other hook reads the path.
      onRequest: async (request) => {
        if (!served(wildcard(request))) throw new FacteurError("NOT_FOUND");
      },
    },
    async (request, reply) => {
      const path = wildcard(request);
      if (path !== "index.html" && files.has(path)) return reply.sendFile(path);
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    },
  );
}

/** The router's decoded wildcard parameter: the path after the leading `/`. */
function wildcard(request: FastifyRequest): string {
  return (request.params as { "*"?: string })["*"] ?? "";
}
