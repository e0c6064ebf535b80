import { createContext } from "../../app/context.js";
import { countAdmins } from "../../auth/admin.service.js";
import { issueFirstRunToken } from "../../auth/first-run.service.js";
import { loadConfig } from "../../config/config.js";
import { buildApp } from "../../http/app.js";
import { startWorker } from "../../sending/runtime.js";

const SHUTDOWN_GRACE_MS = 15_000; // in-flight requests and sends get this long after SIGTERM

/** `facteur serve`: web (API + UI + autoconfig) and, by default, an in-process worker. */
export async function serve(options: { port?: string; host?: string }): Promise<void> {
  const env = { ...process.env };
  if (options.port) env.FACTEUR_PORT = options.port;
  if (options.host) env.FACTEUR_HOST = options.host;
  const config = loadConfig(env);
  const ctx = await createContext(config);
  const app = await buildApp(ctx);
  const address = await app.listen({ port: config.port, host: config.host });
  const stopWorker = config.inProcessWorker ? await startWorker(ctx) : async () => {};
  const url = config.publicUrl;
  console.log(`\nFacteur écoute sur / is listening on ${url}  (${ctx.dialect}; ${address})`);
  if ((await countAdmins(ctx)) === 0) {
    const token = await issueFirstRunToken(ctx);
    console.log(
      `Premier démarrage : créez le compte administrateur ici / first run: create the admin account here:`,
    );
    console.log(`  ${url}/first-run?token=${token}`);
    console.log(`  (ou / or: npx facteur admin create --email vous@exemple.fr)\n`);
  } else {
    console.log(`Connectez-vous / sign in: ${url}/login\n`);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, "shutting down");
    const timer = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    await stopWorker();
    await app.close();
    await ctx.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
