import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALL_MESSAGES, getMessage } from "../../src/sending/message-view.service.js";
import { claimDueMessages, settleMessage } from "../../src/sending/outbox.repository.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { CLAIM_TTL_MS } from "../../src/sending/claim-planner.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { addServer } from "./helpers/fixtures.js";
import { startSmtpSink, type SmtpSink } from "./helpers/smtp-sink.js";
import { createIsolatedTestContext } from "./helpers/store.js";

const cli = { kind: "cli" as const };

describe.each(STORE_KINDS)("claims and shutdown on %s", (kind) => {
  let t: TestContext;
  let sink: SmtpSink;
  let clock: Date;
  const workers: OutboxWorker[] = [];
  const worker = (options: ConstructorParameters<typeof OutboxWorker>[1] = {}) => {
    const w = new OutboxWorker(t.ctx, { backoffBaseMs: 0, idlePollMs: 20, ...options });
    workers.push(w);
    return w;
  };

  async function useSink(behaviour: Parameters<typeof startSmtpSink>[0] = {}) {
    sink = await startSmtpSink(behaviour);
    await addServer(t.ctx, { port: sink.port });
  }

  beforeEach(async () => {
    clock = new Date();
    t = await createIsolatedTestContext(kind, { now: () => clock });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop(0);
    await sink.close();
    await t.dispose();
  });

  it("gives a crashed worker's message to another worker once its claim expires, not before", async () => {
    await useSink();
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, cli);
    const claimed = await claimDueMessages(t.ctx.db, t.ctx.dialect, "crashed", clock, CLAIM_TTL_MS, 10);
    expect(claimed.map((m) => m.id)).toEqual([id]);
    expect(await worker().drain()).toBe(0);
    clock = new Date(clock.getTime() + CLAIM_TTL_MS + 1_000);
    expect(await worker().drain()).toBe(1);
    expect((await getMessage(t.ctx, id, ALL_MESSAGES)).status).toBe("sent");
    // The crashed worker coming back cannot overwrite the outcome.
    expect(await settleMessage(t.ctx.db, id, "crashed", { status: "failed" })).toBe(false);
    expect((await getMessage(t.ctx, id, ALL_MESSAGES)).status).toBe("sent");
  });

  it("fails a message for good once it is older than the maximum age", async () => {
    await useSink({ onMessage: () => ({ code: 451, message: "4.3.0 Try later" }) });
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, cli);
    await worker({ config: { maxAgeMs: 60_000 } }).runOnce();
    expect((await getMessage(t.ctx, id, ALL_MESSAGES)).status).toBe("queued");
    clock = new Date(clock.getTime() + 61_000);
    await worker({ config: { maxAgeMs: 60_000 } }).runOnce();
    const message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("failed");
    expect(message.lastError).toMatch(/^EXPIRED/);
    expect(message.attempts).toHaveLength(2);
  });

  it("sends in the background and stops gracefully", async () => {
    await useSink();
    const w = worker();
    w.start();
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, cli);
    await sink.waitFor(1);
    await w.stop();
    expect((await getMessage(t.ctx, id, ALL_MESSAGES)).status).toBe("sent");
  });

  it("releases the claim of a send still running when the stop grace period ends", async () => {
    await useSink();
    // A server that accepts the connection and then says nothing keeps the send in flight.
    const { createServer } = await import("node:net");
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentPort = (silent.address() as { port: number }).port;
    await t.ctx.db.updateTable("smtp_servers").set({ port: silentPort }).execute();
    const w = worker();
    w.start();
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, cli);
    for (let i = 0; i < 100 && (await getMessage(t.ctx, id, ALL_MESSAGES)).status !== "sending"; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await getMessage(t.ctx, id, ALL_MESSAGES)).status).toBe("sending");
    await w.stop(100);
    const message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("queued");
    silent.close();
  });
});
