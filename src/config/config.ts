import { resolve } from "node:path";
import { z } from "zod";
import { invalidConfiguration } from "./invalid.js";
import { parseTargets, readTargets, type RawTargets } from "./targets.js";
import { parseTrustProxy } from "./trust-proxy.js";

/** A non-negative number from the environment; NaN (refused by the schema, naming the variable) otherwise. */
function envAmount(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : Number.NaN;
}

/** A count (messages, connections): at least 1, whole. */
function envCount(value: string | undefined, fallback: number): number {
  const n = envAmount(value, fallback);
  return Number.isNaN(n) ? n : Math.max(1, Math.floor(n));
}

function positive(name: string) {
  const message = `${name}: nombre positif attendu / positive number expected`;
  return z.number({ error: message }).finite(message).min(0, message);
}

/**
 * Settings of the sending pipeline (outbox worker, enqueue routing). Every limit is named with its unit and
 * why; the fixed timings (claim TTL, backoff, stop grace) live with the code that uses them in src/sending/.
 */
const SendingConfigSchema = z.object({
  /** FACTEUR_SEND_UNCONFIRMED=on: route to servers whose confirmation link was never clicked (tests, labs). */
  sendUnconfirmed: z.boolean(),
  /** FACTEUR_WORKER_BATCH (50): messages claimed per query; larger batches amortise the claim round trip. */
  batchSize: positive("FACTEUR_WORKER_BATCH").int().min(1),
  /**
   * FACTEUR_WORKER_CONCURRENCY (100): messages in flight per worker process (most wait in their server's
   * connection pool; enough of them keep every connection busy while the next claim runs). One server may hold
   * at most three quarters of them (head-of-line protection, src/sending/claim-planner.ts).
   */
  concurrency: positive("FACTEUR_WORKER_CONCURRENCY").int().min(1),
  /**
   * FACTEUR_WORKER_MAX_MIB (64), kept in bytes: a worker stops claiming while the messages it holds weigh this
   * much (sizes as accepted by the API). Bounds its memory with large attachments; a claim may add one batch.
   */
  maxBytesInFlight: positive("FACTEUR_WORKER_MAX_MIB"),
  /** FACTEUR_SEND_MAX_AGE_HOURS (72), kept in ms: a message still undelivered after this long fails for good. */
  maxAgeMs: positive("FACTEUR_SEND_MAX_AGE_HOURS"),
  /** FACTEUR_SMTP_MAX_CONNECTIONS (5): pooled connections per server and per worker. */
  maxConnections: positive("FACTEUR_SMTP_MAX_CONNECTIONS").int().min(1),
  /** FACTEUR_SMTP_RATE_PER_SECOND (0 = unlimited): messages per second per server and per worker. */
  ratePerSecond: positive("FACTEUR_SMTP_RATE_PER_SECOND"),
});

export type SendingConfig = z.infer<typeof SendingConfigSchema>;

/**
 * Infrastructure settings, read once from the environment and frozen.
 * Every key is documented here; `facteur serve --help` points to this file.
 */
const ConfigSchema = z.object({
  /** FACTEUR_DATABASE_URL: `sqlite:./data/facteur.db` (default) or `postgres://user@host:5432/db`. */
  databaseUrl: z.string().min(1),
  /** FACTEUR_DATA_DIR: where the SQLite file and the key file live by default. */
  dataDir: z.string().min(1),
  /** FACTEUR_SECRET_KEY: base64 of 32 bytes; when unset a keyring file is created in the data dir (mode 0600). */
  secretKey: z.string().optional(),
  /** FACTEUR_KEY_FILE: path of the keyring file (default `<dataDir>/secret.key`). */
  keyFile: z.string().min(1),
  /** FACTEUR_HOST / FACTEUR_PORT: where `serve` listens. */
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  /** FACTEUR_PUBLIC_URL: base URL used in links sent by mail (confirmation) and printed at start. */
  publicUrl: z.string().url(),
  /** FACTEUR_LOG_LEVEL: pino level. */
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  /** FACTEUR_SESSION_TTL_HOURS: admin session lifetime; fractions allowed (0.5 = 30 min), 1 minute to 1 year. */
  sessionTtlHours: z.coerce
    .number()
    .finite()
    .min(1 / 60, "at least one minute (0.0167)")
    .max(24 * 366, "at most a year (8784)"),
  /** FACTEUR_WORKER: `on` runs a sending worker inside `serve` (default), `off` leaves it to `facteur worker`. */
  inProcessWorker: z.boolean(),
  /** FACTEUR_SECURE_COOKIES: `on` marks the session cookie Secure; automatic when FACTEUR_PUBLIC_URL is https. */
  secureCookies: z.boolean(),
  /**
   * FACTEUR_TRUST_PROXY: which reverse proxies may set the client address (X-Forwarded-For). Unset/`off`: none;
   * a comma list of addresses, CIDRs or `loopback`/`linklocal`/`uniquelocal`; `on` = `loopback`; a hop count
   * 1–16 (only when nothing but those proxies reaches Facteur). Rules in ./trust-proxy.ts; `http/app.ts` hands
   * this value to Fastify and reads no environment itself.
   */
  trustProxy: z.union([z.literal(false), z.number().int().min(1), z.array(z.string()).min(1)]),
  /** FACTEUR_CONFIRMATION_TTL_HOURS: how long a confirmation link stays valid. */
  confirmationTtlHours: z.coerce.number().positive(),
  /**
   * Outbound target policy of every connection Facteur opens: FACTEUR_TARGETS_ALLOW, FACTEUR_TARGETS_DENY,
   * FACTEUR_TARGET_PORTS, FACTEUR_TARGET_RATE, FACTEUR_TARGET_RATE_PER_TARGET, FACTEUR_TARGET_PORTS_PER_HOST
   * (FACTEUR_ALLOW_PRIVATE_TARGETS: deprecated alias added to the allow list). Documented in ./targets.ts.
   */
  targets: z.custom<RawTargets>().transform((raw, ctx) => {
    const parsed = parseTargets(raw);
    if ("value" in parsed) return parsed.value;
    for (const i of parsed.issues) ctx.issues.push({ code: "custom", input: raw, ...i, path: [...i.path] });
    return z.NEVER;
  }),
  /**
   * The sending pipeline (outbox worker and enqueue routing): FACTEUR_SEND_UNCONFIRMED, FACTEUR_WORKER_BATCH,
   * FACTEUR_WORKER_CONCURRENCY, FACTEUR_WORKER_MAX_MIB, FACTEUR_SEND_MAX_AGE_HOURS, FACTEUR_SMTP_MAX_CONNECTIONS,
   * FACTEUR_SMTP_RATE_PER_SECOND. Documented on SendingConfigSchema above.
   */
  sending: SendingConfigSchema,
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return ["1", "on", "true", "yes"].includes(value.toLowerCase());
}

/** Reads the configuration from `env`, failing fast with every invalid key listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const dataDir = resolve(env.FACTEUR_DATA_DIR ?? "./data");
  const port = env.FACTEUR_PORT ?? "8787";
  const host = env.FACTEUR_HOST ?? "127.0.0.1";
  const raw = {
    databaseUrl: env.FACTEUR_DATABASE_URL ?? `sqlite:${resolve(dataDir, "facteur.db")}`,
    dataDir,
    secretKey: env.FACTEUR_SECRET_KEY || undefined,
    keyFile: env.FACTEUR_KEY_FILE ?? resolve(dataDir, "secret.key"),
    host,
    port,
    publicUrl: env.FACTEUR_PUBLIC_URL ?? `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    logLevel: env.FACTEUR_LOG_LEVEL ?? "info",
    sessionTtlHours: env.FACTEUR_SESSION_TTL_HOURS ?? "12",
    inProcessWorker: flag(env.FACTEUR_WORKER, true),
    secureCookies: flag(env.FACTEUR_SECURE_COOKIES, false),
    trustProxy: parseTrustProxy(env.FACTEUR_TRUST_PROXY),
    confirmationTtlHours: env.FACTEUR_CONFIRMATION_TTL_HOURS ?? "48",
    targets: readTargets(env),
    sending: {
      sendUnconfirmed: flag(env.FACTEUR_SEND_UNCONFIRMED, false),
      batchSize: envCount(env.FACTEUR_WORKER_BATCH, 50),
      concurrency: envCount(env.FACTEUR_WORKER_CONCURRENCY, 100),
      maxBytesInFlight: envAmount(env.FACTEUR_WORKER_MAX_MIB, 64) * 1024 * 1024,
      maxAgeMs: envAmount(env.FACTEUR_SEND_MAX_AGE_HOURS, 72) * 3_600_000,
      maxConnections: envCount(env.FACTEUR_SMTP_MAX_CONNECTIONS, 5),
      ratePerSecond: envAmount(env.FACTEUR_SMTP_RATE_PER_SECOND, 0),
    },
    ...overrides,
  };
  // Behind https the session cookie is Secure whatever FACTEUR_SECURE_COOKIES says.
  if (/^https:/i.test(String(raw.publicUrl))) raw.secureCookies = true;
  const trustProxyError = raw.trustProxy instanceof Error ? raw.trustProxy : undefined;
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success || trustProxyError) {
    const issues = parsed.success ? [] : parsed.error.issues.filter((i) => i.path[0] !== "trustProxy");
    throw invalidConfiguration([
      ...issues,
      ...(trustProxyError ? [{ path: ["trustProxy"], message: trustProxyError.message }] : []),
    ]);
  }
  return Object.freeze({ ...parsed.data, sending: Object.freeze(parsed.data.sending) });
}
