import { createContext, type AppContext } from "../../../src/app/context.js";
import { createLogger } from "../../../src/app/logger.js";
import { createApiKey } from "../../../src/auth/admin.service.js";
import { loadConfig } from "../../../src/config/config.js";
import { createServer } from "../../../src/registry/server.service.js";
import type { ScratchDatabase } from "./processes.js";

/** An in-process context on a scratch database (the test's own view: setup and counting). */
export async function openScratchContext(db: ScratchDatabase): Promise<AppContext> {
  const config = loadConfig({
    FACTEUR_DATABASE_URL: db.url,
    FACTEUR_DATA_DIR: db.dir,
    FACTEUR_SECRET_KEY: db.secretKey,
    FACTEUR_LOG_LEVEL: "silent",
    FACTEUR_WORKER: "off",
  });
  return createContext(config, { logger: createLogger("silent") });
}

/**
 * Registers a plain SMTP server on 127.0.0.1:`port` for every department and marks it confirmed (the
 * confirmation flow has its own tests); returns its id.
 */
export async function addCollectingServer(ctx: AppContext, port: number, title = `Collecteur ${port}`) {
  const { server } = await createServer(ctx, {
    title,
    host: "127.0.0.1",
    port,
    authentication: "none",
    security: "none",
    mail: "expediteur@exemple.fr",
    senderName: "Exemple SARL",
    username: "expediteur",
    usage: { mode: "all" },
    signatureHtml: "<p><b>Exemple SARL</b></p>",
    logo: null,
    priority: 100,
  } as never);
  await ctx.db
    .updateTable("smtp_servers")
    .set({ confirmed_at: ctx.now().toISOString(), confirmed_ip: "127.0.0.1" })
    .where("id", "=", server.id)
    .execute();
  return server.id;
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
