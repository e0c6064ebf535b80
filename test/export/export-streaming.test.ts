import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedServers } from "../../bench/lib/seed-servers.js";
import { SERVER_COLUMNS } from "../../src/domain/smtp-server.js";
import { EXPORT_FORMATS } from "../../src/export/export-query.js";
import { exportServers } from "../../src/export/export.service.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signIn, type ExportClient } from "./signed-in.js";

const ROWS = 20_000;
/** Time given to a producer to run ahead of a reader that does not read. */
const PAUSE_MS = 400;
/**
 * A paused reader must stop the export well before the end: what runs ahead is one database batch
 * (1,000 rows) plus stream buffers and, for XLSX, what zlib has not compressed yet (measured: ≤ 4,500).
 */
const MAX_ROWS_AHEAD = ROWS / 2;
/**
 * Loose guard on heap growth while 20,000 rows go through the real HTTP stack. Measured 0–60 MB,
 * most of it garbage not yet collected; not a proof of streaming (the paused-reader test is), but it
 * catches a regression that buffers whole files of 100,000 rows.
 */
const MAX_HEAP_GROWTH_BYTES = 160 * 1024 * 1024;
const HEAP_SAMPLE_MS = 10;

const view = { sort: "id", order: "asc", columns: [...SERVER_COLUMNS], lang: "fr" } as const;

describe.each(STORE_KINDS)("streaming export of %i servers on %s".replace("%i", String(ROWS)), (kind) => {
  let t: TestContext;
  let client: ExportClient;

  beforeAll(async () => {
    t = await createTestContext(kind);
    await seedServers(t.ctx, ROWS);
    client = await signIn(t.ctx);
    await client.app.listen({ host: "127.0.0.1", port: 0 });
  }, 120_000);
  afterAll(async () => {
    await client?.app.close();
    await t?.dispose();
  });

  it.each(EXPORT_FORMATS)(
    "reads %s rows from the database only as fast as the reader takes them",
    async (format) => {
      let pulled = 0;
      const file = exportServers(
        t.ctx,
        format,
        { ...view, columns: [...view.columns] },
        { onRow: (n) => (pulled = n) },
      );
      await sleep(PAUSE_MS);
      expect(pulled).toBeLessThan(MAX_ROWS_AHEAD);
      let bytes = 0;
      for await (const chunk of file.stream) bytes += (chunk as Buffer).length;
      expect(pulled).toBe(ROWS);
      expect(bytes).toBeGreaterThan(ROWS * 10);
    },
  );

  it.each(EXPORT_FORMATS)("stops reading the database when the %s reader goes away", async (format) => {
    let pulled = 0;
    const file = exportServers(
      t.ctx,
      format,
      { ...view, columns: [...view.columns] },
      { onRow: (n) => (pulled = n) },
    );
    for await (const _chunk of file.stream) break; // takes one chunk, then destroys the stream
    await sleep(PAUSE_MS);
    const afterClose = pulled;
    await sleep(PAUSE_MS);
    expect(pulled).toBe(afterClose);
    expect(pulled).toBeLessThan(ROWS);
  });

  it.each(EXPORT_FORMATS)("serves %s over HTTP with bounded heap growth", async (format) => {
    const { port } = client.app.server.address() as AddressInfo;
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, HEAP_SAMPLE_MS);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/servers/export.${format}`, {
        headers: { authorization: `Bearer ${client.apiKey}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("transfer-encoding")).toBe("chunked"); // streamed, no content-length
      let bytes = 0;
      const reader = response.body!.getReader();
      for (let part = await reader.read(); !part.done; part = await reader.read()) bytes += part.value.length;
      expect(bytes).toBeGreaterThan(ROWS * 10);
    } finally {
      clearInterval(sampler);
    }
    expect(peak - baseline).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  });
});
