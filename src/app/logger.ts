import pino, { type Logger } from "pino";

/**
 * Paths pino blanks in every log line. Credentials never reach a log on purpose; this is the safety net
 * for objects logged whole (request bodies, headers, errors carrying a command).
 */
export const REDACTED_PATHS = [
  "password",
  "*.password",
  "*.*.password",
  "pass",
  "*.pass",
  "auth.pass",
  "*.auth.pass",
  "req.headers.authorization",
  "req.headers.cookie",
  "req.headers['x-csrf-token']",
  "res.headers['set-cookie']",
  "token",
  "*.token",
  "apiKey",
  "*.apiKey",
];

/** Query parameters and route parameters that carry a credential (setup link, confirmation link, keys). */
const SECRET_NAME = /^(?:token|key|api_?key|access_token|secret)$/i;
/**
 * A run of base64url/hex characters long enough to be a token (Facteur's are 43): cut whatever route or
 * spelling carried it. Ids, dates and host names never form such a run.
 */
const TOKEN_LIKE_RUN = /[A-Za-z0-9_-]{24,}/g;
/** Percent-escapes, so `%61bc…` cannot split a token into runs the rule above misses. */
const PERCENT_ESCAPE = /%[0-9A-Fa-f]{2}/g;

const cutToken = (token: string) => (token.length > 6 ? `${token.slice(0, 6)}…` : token);

/**
 * A URL as it may appear in a log line: one-time tokens (confirmation links, the first-run setup link) are cut
 * to their first 6 characters, enough to tell two links apart, useless to open one. Works on any spelling:
 * escapes are decoded first (a token spelled `%63…` or with `%2D` is still one run), secret query parameters
 * are cut by name, and any token-like run is cut.
 */
export function redactUrl(url: string): string {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    decoded = url.replace(PERCENT_ESCAPE, "");
  }
  return decoded
    .replace(/([?&;]([^=&#]*)=)([^&#]*)/g, (all, head: string, name: string, value: string) =>
      SECRET_NAME.test(name) ? `${head}${cutToken(value)}` : all,
    )
    .replace(TOKEN_LIKE_RUN, cutToken);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
  routeOptions?: { url?: string };
  params?: unknown;
}

/**
 * Fastify's request serializer (`incoming request` lines are at info level): the matched route's pattern with
 * its parameters filled in (secret ones cut), so the logged URL comes from what the router decided, not from a
 * second reading of the raw target; unmatched requests log the raw target with tokens cut.
 */
function requestSerializer(req: LoggedRequest) {
  const raw = String(req.url ?? "");
  const route = req.routeOptions?.url;
  const query = raw.includes("?") ? raw.slice(raw.indexOf("?")) : "";
  const params = (req.params ?? {}) as Record<string, unknown>;
  const path = route
    ? route.replace(/:(\w+)/g, (_all, name: string) =>
        SECRET_NAME.test(name) ? `${cutToken(String(params[name] ?? ""))}` : String(params[name] ?? ""),
      )
    : raw.split("?")[0]!;
  return {
    method: req.method,
    url: redactUrl(path.replace(/\*$/, String(params["*"] ?? "")) + query),
    ...(route ? { route } : {}),
    host: req.host ?? req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      serializers: { req: requestSerializer },
    },
    destination,
  );
}
