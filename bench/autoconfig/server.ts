/**
 * The Facteur side of the autoconfig benchmark: a real app (buildApp) on a temp SQLite database with one
 * mail domain, listening on 127.0.0.1. Runs in its own process so autocannon does not share its CPU.
 * Prints `PORT <n>` once ready.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { loadConfig } from "../../src/config/config.js";
import Fastify from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { buildApp } from "../../src/http/app.js";
import clientsRoutes from "../../src/http/routes/clients.js";
import { createDomain } from "../../src/clients/domains/domain.service.js";

const dir = mkdtempSync(join(tmpdir(), "facteur-bench-autoconfig-"));
const config = loadConfig({
  FACTEUR_DATA_DIR: dir,
  FACTEUR_DATABASE_URL: `sqlite:${join(dir, "facteur.db")}`,
  FACTEUR_LOG_LEVEL: "silent",
  FACTEUR_WORKER: "off",
});
const ctx = await createContext(config, { logger: createLogger("silent") });
await createDomain(ctx, {
  name: "exemple.fr",
  displayName: "Exemple",
  incoming: [
    { protocol: "imap", host: "imap.exemple.fr", security: "tls" },
    { protocol: "imap", host: "imap.exemple.fr", security: "starttls" },
    { protocol: "pop3", host: "pop.exemple.fr", security: "tls" },
  ],
  outgoing: [
    { host: "smtp.exemple.fr", security: "tls" },
    { host: "smtp.exemple.fr", security: "starttls" },
  ],
});
// --bare: only the setup routes on a plain Fastify (no auth/metrics/header hooks), to see their own cost.
const app = process.argv.includes("--bare") ? await bareApp() : await buildApp(ctx);

async function bareApp() {
  const bare = Fastify({ logger: false });
  bare.setValidatorCompiler(validatorCompiler);
  bare.setSerializerCompiler(serializerCompiler);
  await bare.register(clientsRoutes as unknown as Parameters<typeof bare.register>[0], { ctx });
  return bare;
}
await app.listen({ host: "127.0.0.1", port: 0 });
const address = app.server.address();
console.log(`PORT ${typeof address === "object" && address ? address.port : 0}`);
process.on("SIGTERM", () => {
  void app
    .close()
    .then(() => ctx.close())
    .then(() => process.exit(0));
});
