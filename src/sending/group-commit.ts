import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/schema.js";

type Work<T> = (trx: Transaction<Database>) => Promise<T>;

/**
 * Runs small writes that arrive together in one transaction: one commit (one WAL append, one fsync on
 * PostgreSQL) for a batch of enqueued or settled messages instead of one per message. Callers still get their
 * own promise, resolved only after the commit.
 *
 * Writes arrive from separate I/O events (one HTTP request, one SMTP reply each), and a SQLite transaction
 * runs to its end without yielding to I/O, so a flush started at once would always hold a single write. The
 * first flush therefore waits `windowMs` (0 = until the I/O ready in this event-loop turn was handled);
 * while a flush runs, the next batch gathers by itself.
 */
export class GroupCommit {
  private pending: Array<{ work: Work<unknown>; resolve(v: unknown): void; reject(e: unknown): void }> = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly maxBatch = 200,
    private readonly windowMs = 0,
  ) {}

  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) this.running = this.gather().then(() => this.flush());
    });
  }

  private gather(): Promise<void> {
    return new Promise((resolve) => {
      if (this.windowMs > 0) setTimeout(resolve, this.windowMs);
      else setImmediate(resolve);
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
      if (this.pending.length > 0 && this.pending.length < this.maxBatch) await this.gather();
    }
    this.running = null;
  }
}
