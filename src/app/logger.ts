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

/** Query parameters that carry a credential (setup link, API clients that put keys in URLs). */
const SECRET_QUERY_PARAMS = /([?&](?:token|key|api_key|apikey|access_token)=)([^&#]*)/gi;
/** Path segments that are credentials: the confirmation link's token. */
const SECRET_PATH_SEGMENTS = /^(\/confirm\/)([^/?#]+)/i;

/**
 * A URL as it may appear in a log line: one-time tokens (confirmation links, the first-run setup link) are cut
 * to their first 6 characters, enough to tell two links apart, useless to open one.
 */
export function redactUrl(url: string): string {
  const cut = (_all: string, head: string, token: string) =>
    token.length > 6 ? `${head}${token.slice(0, 6)}…` : `${head}${token}`;
  return url.replace(SECRET_PATH_SEGMENTS, cut).replace(SECRET_QUERY_PARAMS, cut);
}

/** Fastify's request serializer, with the URL's tokens cut (`incoming request` lines are at info level). */
function requestSerializer(req: {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: redactUrl(String(req.url ?? "")),
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
