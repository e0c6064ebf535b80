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

  /** Resolves `true` when the consumer wants more, `false` if it went away (stop producing then). */
  demand(): Promise<boolean> {
    if (this.destroyed) return Promise.resolve(false);
    if (this.wanted) return Promise.resolve(true);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(open: boolean): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(open);
  }
}
