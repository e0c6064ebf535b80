import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

export interface BatchOptions {
  /** Items per transaction at most. */
  maxBatch?: number;
  /**
   * Batches committing at once: 1 for SQLite (one writer); more on PostgreSQL, where a batch mostly waits on
   * the network and the disk and the next one can fill meanwhile.
   */
  parallel?: number;
  /**
   * How long a batch gathers before it commits; 0 = one event-loop turn. Worth a few milliseconds where
   * nobody waits on the answer (a worker's verdicts): fewer, larger commits.
   */
  windowMs?: number;
}

/**
 * Writes that arrive together share one transaction: one commit (one WAL append, one fsync on PostgreSQL) for a
 * batch of enqueued or settled messages instead of one per message. `write` receives the whole batch (so it may
 * use set-based statements) and returns one result per item; callers get their own promise, resolved only
 * after the commit.
 *
 * Items arrive from separate I/O events (one HTTP request, one SMTP reply each), and a SQLite transaction runs
 * to its end without yielding to I/O, so a flush started at once would always hold a single item. The first
 * flush therefore waits until the I/O ready in this event-loop turn was handled; while a flush runs, the next
 * batch gathers by itself.
 */
export class BatchCommit<I, R> {
  private pending: Array<{ item: I; resolve(v: R): void; reject(e: unknown): void }> = [];
  private flushing = 0;

  private readonly maxBatch: number;
  private readonly parallel: number;
  private readonly windowMs: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly write: (trx: Kysely<Database>, items: I[]) => Promise<R[]>,
    options: BatchOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200;
    this.parallel = options.parallel ?? 1;
    this.windowMs = options.windowMs ?? 0;
  }

  private gather(): Promise<void> {
    return new Promise((resolve) => {
      if (this.windowMs > 0) setTimeout(resolve, this.windowMs);
      else setImmediate(resolve);
    });
  }

  run(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.flushing < this.parallel) {
        this.flushing++;
        void this.gather().then(() => this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      try {
        const results = await this.db.transaction().execute((trx) =>
          this.write(
            trx,
            batch.map((entry) => entry.item),
          ),
        );
        batch.forEach((entry, i) => entry.resolve(results[i]!));
      } catch {
        // One bad write must not sink its neighbours: retry each alone so only the culprit fails.
        for (const entry of batch) {
          try {
            const [result] = await this.db.transaction().execute((trx) => this.write(trx, [entry.item]));
            entry.resolve(result!);
          } catch (error) {
            entry.reject(error);
          }
        }
      }
      if (this.pending.length > 0 && this.pending.length < this.maxBatch) await this.gather();
    }
    this.flushing--;
  }
}
