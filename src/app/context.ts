import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import { Keyring } from "../secrets/keyring.js";
import { openStore, type DialectName, type Store } from "../store/db.js";
import { secureDirectory, secureFile } from "../store/file-modes.js";
import { migrateToLatest } from "../store/migrate.js";
import type { Database } from "../store/schema.js";
import { createLogger } from "./logger.js";

/**
 * Everything a capability needs, built once per process and passed down explicitly
 * (no module-level singletons, so tests can run several contexts side by side).
 */
export interface AppContext {
  config: Config;
  store: Store;
  db: Kysely<Database>;
  dialect: DialectName;
  keyring: Keyring;
  logger: Logger;
  /** Current time; injectable so tests can move past expiries without sleeping. */
  now(): Date;
  close(): Promise<void>;
}

export interface ContextOptions {
  logger?: Logger;
  migrate?: boolean;
  pgSchema?: string;
  now?: () => Date;
}

export async function createContext(config: Config, options: ContextOptions = {}): Promise<AppContext> {
  const logger = options.logger ?? createLogger(config.logLevel);
  secureDirectory(config.dataDir); // 0700: the database, key file and backups live here by default
  secureFile(config.keyFile);
  const store = openStore(config.databaseUrl, options.pgSchema ? { pgSchema: options.pgSchema } : {});
  // The keyring first: migrations may re-encrypt stored secrets (0401_secret_binding).
  const keyring = Keyring.load({ secretKey: config.secretKey, keyFile: config.keyFile });
  if (options.migrate !== false) await migrateToLatest(store, { keyring });
  const closers: Array<() => Promise<void>> = [];
  return {
    config,
    store,
    db: store.db,
    dialect: store.dialect,
    keyring,
    logger,
    now: options.now ?? (() => new Date()),
    async close() {
      for (const close of closers.reverse()) await close();
      await store.close();
    },
  };
}

/**
 * One `create(ctx)` result per context, made on first use: caches and batchers that belong to an app context
 * (tests open many), forgotten with it.
 */
export function perContext<T>(create: (ctx: AppContext) => T): (ctx: AppContext) => T {
  const values = new WeakMap<AppContext, T>();
  return (ctx) => {
    if (!values.has(ctx)) values.set(ctx, create(ctx));
    return values.get(ctx) as T;
  };
}
