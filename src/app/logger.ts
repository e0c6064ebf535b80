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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, destination);
}
