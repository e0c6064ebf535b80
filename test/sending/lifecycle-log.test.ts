import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { describeError } from "../../src/domain/errors.js";
import { ALL_MESSAGES, getMessage } from "../../src/sending/message-view.service.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { addServer } from "./helpers/fixtures.js";
import { createIsolatedTestContext } from "./helpers/store.js";
import { startSmtpSink, type SmtpSink } from "./helpers/smtp-sink.js";

const cli = { kind: "cli" as const };
type Line = Record<string, unknown> & { event?: string };

describe.each(STORE_KINDS)("message lifecycle in the log on %s", (kind) => {
  let t: TestContext;
  let sink: SmtpSink;
  const lines: Line[] = [];

  beforeEach(async () => {
    lines.length = 0;
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Line);
        done();
      },
    });
    t = await createIsolatedTestContext(kind, { logger: createLogger("info", destination) });
    sink = await startSmtpSink({
      onRcpt: (address) =>
        address.startsWith("nobody") ? { code: 550, message: "5.1.1 User unknown" } : undefined,
    });
    await addServer(t.ctx, { port: sink.port });
  });
  afterEach(async () => {
    await sink.close();
    await t.dispose();
  });

  const of = (messageId: number) => lines.filter((l) => l.messageId === messageId).map((l) => l.event);

  it("follows a message from queued to sent, and one refused to failed, with stable fields", async () => {
    const sent = await enqueueMessage(
      t.ctx,
      { to: "destinataire.unique@exemple.fr", subject: "S", text: "x" },
      cli,
    );
    const refused = await enqueueMessage(t.ctx, { to: "nobody@exemple.fr", subject: "S", text: "x" }, cli);
    const worker = new OutboxWorker(t.ctx, { workerId: "w-log", backoffBaseMs: 0 });
    await worker.drain();
    worker.close();

    expect(of(sent.id)).toEqual(["message.queued", "message.claimed", "message.attempt", "message.sent"]);
    expect(of(refused.id)).toEqual([
      "message.queued",
      "message.claimed",
      "message.attempt",
      "message.failed",
    ]);
    const serverId = lines.find((l) => l.event === "message.sent")?.serverId;
    expect(typeof serverId).toBe("number");
    expect(lines.find((l) => l.event === "message.sent")).toMatchObject({
      msg: "message sent",
      messageId: sent.id,
      workerId: "w-log",
      attempt: 1,
    });
    expect(lines.find((l) => l.event === "message.attempt" && l.messageId === refused.id)).toMatchObject({
      serverId,
      attempt: 1,
      outcome: "permanent",
      stage: "RCPT TO",
      responseCode: 550,
    });
    expect(lines.find((l) => l.event === "message.failed")).toMatchObject({
      code: "MESSAGE_REFUSED",
      serverId,
    });
    // The pool's own events, from nodemailer's calls (one connection per message sent at once here).
    const connects = lines.filter((l) => l.event === "pool.connect");
    expect(connects.length).toBeGreaterThan(0);
    for (const line of connects)
      expect(line).toMatchObject({ serverId, workerId: "w-log", tls: false, remotePort: sink.port });
    // The API shows the stored codes with their FR/EN text beside the stored reason.
    const view = await getMessage(t.ctx, refused.id, ALL_MESSAGES);
    expect(view.lastError).toMatch(/^MESSAGE_REFUSED · RCPT TO · EENVELOPE · 550/);
    expect(view).toMatchObject({
      lastErrorCode: "MESSAGE_REFUSED",
      lastErrorText: {
        fr: describeError("MESSAGE_REFUSED", "fr"),
        en: describeError("MESSAGE_REFUSED", "en"),
      },
    });
    // Bodies and addresses never reach the log (a local part no random Message-ID can end with).
    expect(JSON.stringify(lines)).not.toContain("destinataire.unique");
    expect(JSON.stringify(lines)).not.toContain("nobody@");
  });
});
