import { Readable } from "node:stream";

/**
 * A byte stream for producers that cannot be paused themselves (pdfkit, the ExcelJS zip writer push as
 * fast as they are fed): the producer writes chunks, then awaits `demand()` between batches of rows, which
 * resolves only once the consumer (an HTTP socket, a file) has asked for more. Memory stays at about one
 * batch plus the high-water mark, whatever the number of rows.
 */
export class PacedReadable extends Readable {
  private wanted = true;
  private waiting: Array<(open: boolean) => void> = [];

  constructor() {
    super();
    this.once("close", () => this.release(false));
  }

  override _read(): void {
    this.wanted = true;
    this.release(true);
  }

  /** Queues a chunk for the consumer; never blocks. */
  write(chunk: Buffer): void {
    if (this.destroyed) return;
    if (!this.push(chunk)) this.wanted = false;
  }

  /**
   * Resolves `true` when the consumer wants more, `false` if it went away (stop producing then).
   * It first yields one turn of the event loop: with a synchronous database driver (better-sqlite3) the
   * producer would otherwise run on promise jobs alone, and the producers' own `data` events (scheduled
   * with process.nextTick) and zlib callbacks would not reach this stream until every row was drawn.
   */
  async demand(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.destroyed) return false;
    if (this.wanted) return true;
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(open: boolean): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(open);
  }
}
