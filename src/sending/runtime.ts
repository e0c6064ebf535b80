import type { AppContext } from "../app/context.js";
import { OutboxWorker, type WorkerOptions } from "./worker.js";

/**
 * Starts the outbox worker inside the current process (used by `facteur serve` unless FACTEUR_WORKER=off,
 * and by `facteur worker`). Returns a function that stops it gracefully.
 */
export async function startWorker(
  ctx: AppContext,
  options: WorkerOptions = {},
): Promise<() => Promise<void>> {
  const worker = new OutboxWorker(ctx, options);
  worker.start();
  ctx.logger.info({ workerId: worker.id }, "sending worker started");
  return async () => {
    await worker.stop();
    ctx.logger.info({ workerId: worker.id }, "sending worker stopped");
  };
}
