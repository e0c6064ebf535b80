import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/schema.js";

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

/**
 * Runs small writes that arrive together in one transaction: one WAL flush for a batch of settled messages
 * instead of one per message. Callers still get their own promise, resolved only after the commit.
 */
export class GroupCommit {
  private pending: Array<{ work: Work<unknown>; resolve(v: unknown): void; reject(e: unknown): void }> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 200,
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) this.running = this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.db.transaction().execute(async (trx) => {
          const out: unknown[] = [];
          for (const item of batch) out.push(await item.work(trx));
          return out;
        });
        batch.forEach((item, i) => item.resolve(results[i]));
      } catch {
        // One bad write must not sink its neighbours: retry each alone so only the culprit fails.
        for (const item of batch) {
          try {
            item.resolve(await this.db.transaction().execute(item.work));
          } catch (error) {
            item.reject(error);
          }
        }
      }
    }
    this.running = null;
  }
}
