import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkEventsAfter, getBulkRun, startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createServer, deleteServer } from "../../src/registry/server.service.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";
import { onLines, startRawServer, type RunningServer } from "./helpers/servers.js";

/** How long the fake server holds each session: long enough for sessions to overlap if they can. */
const HOLD_MS = 150;

describe.each(STORE_KINDS)("bulk test runs (%s)", (kind) => {
  let t: TestContext;
  let fake: RunningServer;
  let open = 0;
  let peak = 0;

  beforeAll(async () => {
    t = await createTestContext(kind);
    // A minimal SMTP server that counts simultaneous sessions.
    fake = await startRawServer((socket) => {
      open += 1;
      peak = Math.max(peak, open);
      // The session ends for the client at QUIT; the server's "close" may come after the next connect.
      let counted = true;
      const release = () => {
        if (counted) open -= 1;
        counted = false;
      };
      socket.on("close", release);
      setTimeout(() => socket.writable && socket.write("220 fake ESMTP\r\n"), HOLD_MS);
      onLines(socket, (line) => {
        if (/^EHLO/i.test(line)) socket.write("250-fake\r\n250 8BITMIME\r\n");
        else if (/^QUIT/i.test(line)) {
          release();
          socket.end("221 bye\r\n");
        } else socket.write("250 ok\r\n");
      });
    });
  });

  afterAll(async () => {
    await fake?.close();
    await t?.dispose();
  });

  async function addServer(title: string): Promise<number> {
    const input = createServerSchema.parse(
      serverBody({
        title,
        host: "127.0.0.1",
        port: fake.port,
        security: "none",
        authentication: "none",
        password: undefined,
      }),
    );
    return (await createServer(t.ctx, input)).server.id;
  }

  it("never runs more tests at once than its concurrency", async () => {
    const ids = [];
    for (let i = 0; i < 8; i += 1) ids.push(await addServer(`Bulk ${i}`));
    peak = 0;
    const { run, completion } = await startBulkRun(t.ctx, { serverIds: ids, concurrency: 3 });
    await completion;
    expect(peak).toBeLessThanOrEqual(3);
    expect(peak).toBeGreaterThan(1);
    expect(await getBulkRun(t.ctx, run.id)).toMatchObject({ status: "done", total: 8, done: 8, ok: 8 });
    const events = await bulkEventsAfter(t.ctx, run.id, 0);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(events.map((e) => e.serverId))).toEqual(new Set(ids));
  });

  it("reports a server deleted before its turn as failed, and finishes the run", async () => {
    const kept = await addServer("Gardé");
    const gone = await addServer("Supprimé");
    const { run, completion } = await startBulkRun(t.ctx, { serverIds: [kept, gone], concurrency: 1 });
    await deleteServer(t.ctx, gone);
    await completion;
    const events = await bulkEventsAfter(t.ctx, run.id, 0);
    expect(events.find((e) => e.serverId === gone)).toMatchObject({ ok: false, code: "SERVER_NOT_FOUND" });
    expect((await getBulkRun(t.ctx, run.id)).status).toBe("done");
  });

  it("refuses unknown server ids", async () => {
    await expect(startBulkRun(t.ctx, { serverIds: [987654] })).rejects.toMatchObject({
      code: "SERVER_NOT_FOUND",
    });
  });
});
