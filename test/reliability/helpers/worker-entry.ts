/**
 * `facteur worker` as in src/cli/commands/sending-run.ts, with one difference: the claim TTL comes from
 * FACTEUR_REL_CLAIM_TTL_MS. The production TTL (CLAIM_TTL_MS, 5 min) is not configurable from the environment,
 * so a killed worker's messages would only come back after five minutes; the crash test shortens the wait,
 * the recovery path (an expired `sending` claim is claimed again) is the same code.
 */
import { createContext } from "../../../src/app/context.js";
import { createLogger } from "../../../src/app/logger.js";
import { loadConfig } from "../../../src/config/config.js";
import { OutboxWorker } from "../../../src/sending/worker.js";

const config = loadConfig();
const ctx = await createContext(config, { logger: createLogger(config.logLevel) });
const claimTtlMs = Number(process.env.FACTEUR_REL_CLAIM_TTL_MS ?? "") || undefined;
const worker = new OutboxWorker(ctx, {
  ...(claimTtlMs ? { claimTtlMs } : {}),
  backoffBaseMs: Number(process.env.FACTEUR_REL_BACKOFF_MS ?? "") || 1_000,
});
worker.start();
// The parent reads this line to learn the worker id (claims are stamped with it).
console.log(`worker-ready ${worker.id}`);
const shutdown = () => {
  void worker
    .stop()
    .then(() => ctx.close())
    .then(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
