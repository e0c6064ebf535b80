import type { RegisteredRoute } from "../../src/http/app.js";

/**
 * A concrete path for a registered route pattern: `:id`-like parameters get `id` (an id that exists, or one that
 * does not, as the caller needs), other parameters a plain word, a wildcard a plain path.
 */
export function samplePath(url: string, id: number | string = 1): string {
  return url
    .replace(/:(\w+)/g, (_m, name: string) =>
      /id$/i.test(name) ? String(id) : name === "client" ? "thunderbird" : "x",
    )
    .replace("*", "x");
}

/** Every route except the HEAD twins Fastify adds for each GET (they share the GET's config). */
export function mainRoutes(routes: ReadonlyArray<RegisteredRoute>): RegisteredRoute[] {
  return routes.filter((route) => route.method !== "HEAD");
}

/** The error codes that mean "the access decision refused this caller". */
export const DENIAL_CODES = new Set([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "API_KEY_SCOPE_MISSING",
  "CSRF_INVALID",
]);

/** Whether a response is the auth hook's refusal (status and code), rather than the handler's own answer. */
export function isDenial(statusCode: number, body: string): boolean {
  if (statusCode !== 401 && statusCode !== 403) return false;
  try {
    const code = (JSON.parse(body) as { error?: { code?: string } }).error?.code;
    return code !== undefined && DENIAL_CODES.has(code);
  } catch {
    return false;
  }
}
