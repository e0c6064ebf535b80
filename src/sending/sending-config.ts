/**
 * Settings of the sending pipeline, read from the environment once per worker/app (documented here until the
 * lead moves them into src/config/config.ts). Every limit is named with its unit and why.
 */
export interface SendingConfig {
  /** FACTEUR_SEND_UNCONFIRMED=on: route to servers whose confirmation link was never clicked (tests, labs). */
  sendUnconfirmed: boolean;
  /** FACTEUR_WORKER_BATCH: messages claimed per query; larger batches amortise the claim round trip. */
  batchSize: number;
  /**
   * FACTEUR_WORKER_CONCURRENCY: messages in flight per worker process (most wait in their server's connection
   * pool; enough of them keep every connection busy while the next claim runs). One server may hold at most
   * three quarters of them (head-of-line protection, see worker.ts).
   */
  concurrency: number;
  /**
   * FACTEUR_WORKER_MAX_MIB: a worker stops claiming while the messages it holds weigh this much (sizes as
   * accepted by the API). Bounds its memory with large attachments; a claim may still add one batch.
   */
  maxBytesInFlight: number;
  /** FACTEUR_SEND_MAX_AGE_HOURS: a message still undelivered after this long fails for good. */
  maxAgeMs: number;
  /** FACTEUR_SMTP_MAX_CONNECTIONS: pooled connections per server and per worker. */
  maxConnections: number;
  /** FACTEUR_SMTP_RATE_PER_SECOND: messages per second per server and per worker (0 = unlimited). */
  ratePerSecond: number;
}

export const CLAIM_TTL_MS = 5 * 60_000; // > the worst send (connect 30 s + greeting 30 s + socket 60 s per step)
export const IDLE_POLL_MS = 500; // how long an idle worker sleeps before looking for new work
export const BACKOFF_BASE_MS = 30_000; // first retry after ~30 s: greylisting usually lifts within minutes
export const BACKOFF_MAX_MS = 60 * 60_000; // never wait more than an hour between tries
export const STOP_GRACE_MS = 10_000; // on SIGTERM, in-flight sends get this long before claims are released

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return ["1", "on", "true", "yes"].includes(value.toLowerCase());
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name}: nombre positif attendu / positive number expected`);
  return n;
}

/** Reads the sending settings from `env`, failing fast on a bad value. */
export function loadSendingConfig(env: NodeJS.ProcessEnv = process.env): Readonly<SendingConfig> {
  return Object.freeze({
    sendUnconfirmed: flag(env.FACTEUR_SEND_UNCONFIRMED, false),
    batchSize: Math.max(1, Math.floor(positive(env.FACTEUR_WORKER_BATCH, 50, "FACTEUR_WORKER_BATCH"))),
    concurrency: Math.max(
      1,
      Math.floor(positive(env.FACTEUR_WORKER_CONCURRENCY, 100, "FACTEUR_WORKER_CONCURRENCY")),
    ),
    maxBytesInFlight: positive(env.FACTEUR_WORKER_MAX_MIB, 64, "FACTEUR_WORKER_MAX_MIB") * 1024 * 1024,
    maxAgeMs: positive(env.FACTEUR_SEND_MAX_AGE_HOURS, 72, "FACTEUR_SEND_MAX_AGE_HOURS") * 3_600_000,
    maxConnections: Math.max(
      1,
      Math.floor(positive(env.FACTEUR_SMTP_MAX_CONNECTIONS, 5, "FACTEUR_SMTP_MAX_CONNECTIONS")),
    ),
    ratePerSecond: positive(env.FACTEUR_SMTP_RATE_PER_SECOND, 0, "FACTEUR_SMTP_RATE_PER_SECOND"),
  });
}
