import { createContext, type AppContext } from "../../../src/app/context.js";
import { createLogger } from "../../../src/app/logger.js";
import { createApiKey } from "../../../src/auth/admin.service.js";
import { loadConfig } from "../../../src/config/config.js";
import { addServer } from "../../sending/helpers/fixtures.js";
import type { ScratchDatabase } from "./processes.js";
import { LOOPBACK_TARGETS_ENV } from "../../helpers/targets.js";

/** An in-process context on a scratch database (the test's own view: setup and counting). */
export async function openScratchContext(db: ScratchDatabase): Promise<AppContext> {
  const config = loadConfig({
    FACTEUR_DATABASE_URL: db.url,
    FACTEUR_DATA_DIR: db.dir,
    FACTEUR_SECRET_KEY: db.secretKey,
    FACTEUR_LOG_LEVEL: "silent",
    FACTEUR_WORKER: "off",
    ...LOOPBACK_TARGETS_ENV,
  });
  return createContext(config, { logger: createLogger("silent") });
}

/**
 * Registers a plain SMTP server on 127.0.0.1:`port` for every department and marks it confirmed (the
 * confirmation flow has its own tests); returns its id.
 */
export async function addCollectingServer(ctx: AppContext, port: number, title = `Collecteur ${port}`) {
  return addServer(ctx, { port, title, signatureHtml: "<p><b>Exemple SARL</b></p>" });
}

export async function issueApiKey(ctx: AppContext): Promise<string> {
  return (await createApiKey(ctx, "reliability")).key;
}

/** Messages per status in the outbox. */
export async function statusCounts(ctx: AppContext): Promise<Record<string, number>> {
  const rows = await ctx.db
    .selectFrom("outbox_messages")
    .select(({ fn }) => ["status", fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
