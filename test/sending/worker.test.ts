import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALL_MESSAGES, getMessage } from "../../src/sending/message-view.service.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { addDepartment, addServer } from "./helpers/fixtures.js";
import { createIsolatedTestContext } from "./helpers/store.js";
import { closedPort, startSmtpSink, type SmtpSink } from "./helpers/smtp-sink.js";

// Enqueued as the CLI would: an API key submitter must be a real, unrevoked key (re-read at insert).
const api = { kind: "cli" as const };

describe.each(STORE_KINDS)("sending worker on %s", (kind) => {
  let t: TestContext;
  const sinks: SmtpSink[] = [];
  const workers: OutboxWorker[] = [];

  async function sink(behaviour: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
    const s = await startSmtpSink(behaviour);
    sinks.push(s);
    return s;
  }
  function worker(): OutboxWorker {
    const w = new OutboxWorker(t.ctx, { backoffBaseMs: 0, config: { sendUnconfirmed: false } });
    workers.push(w);
    return w;
  }

  beforeEach(async () => {
    t = await createIsolatedTestContext(kind);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) w.close();
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await t.dispose();
  });

  it("stops claiming while the messages it holds weigh its byte budget (large attachments)", async () => {
    const attachment = Buffer.alloc(200 * 1024, 7).toString("base64"); // each message weighs ~200 KiB
    async function run(maxBytesInFlight: number): Promise<number> {
      const slow = await sink({ replyDelayMs: 150 });
      await t.ctx.db.deleteFrom("smtp_servers").execute();
      await addServer(t.ctx, { port: slow.port });
      for (let i = 0; i < 6; i++)
        await enqueueMessage(
          t.ctx,
          {
            to: `c${i}@exemple.fr`,
            subject: `Plan ${i}`,
            text: "ci-joint",
            attachments: [
              { filename: "plan.bin", contentType: "application/octet-stream", content: attachment },
            ],
          },
          api,
        );
      const w = new OutboxWorker(t.ctx, {
        backoffBaseMs: 0,
        idlePollMs: 5,
        config: { batchSize: 1, concurrency: 10, maxConnections: 5, maxBytesInFlight },
      });
      workers.push(w);
      w.start();
      await slow.waitFor(6);
      await w.stop();
      return slow.maxOverlap;
    }
    // 300 KiB: after one ~200 KiB message it may claim one more, then it waits.
    expect(await run(300 * 1024)).toBeLessThanOrEqual(2);
    // Control, same setup with room to spare: the pool's five connections overlap.
    expect(await run(64 * 1024 * 1024)).toBeGreaterThan(2);
  });

  it("routes a department's mail to its dedicated server before the default one", async () => {
    const achat = await addDepartment(t.ctx, "Achat");
    const vente = await addDepartment(t.ctx, "Vente");
    const general = await sink();
    const dedicated = await sink();
    await addServer(t.ctx, { port: general.port, priority: 1 });
    await addServer(t.ctx, { port: dedicated.port, priority: 50, departmentIds: [achat] });
    await enqueueMessage(
      t.ctx,
      { to: "a@exemple.fr", subject: "Achat", text: "commande", department: "achat" },
      api,
    );
    await enqueueMessage(
      t.ctx,
      { to: "v@exemple.fr", subject: "Vente", text: "devis", department: vente },
      api,
    );
    await enqueueMessage(t.ctx, { to: "n@exemple.fr", subject: "Aucun", text: "rien" }, api);
    await worker().drain();
    expect(dedicated.received.map((m) => m.parsed.subject)).toEqual(["Achat"]);
    expect(general.received.map((m) => m.parsed.subject).sort()).toEqual(["Aucun", "Vente"]);
  });

  it("uses only confirmed servers", async () => {
    const unconfirmed = await sink();
    const confirmed = await sink();
    await addServer(t.ctx, { port: unconfirmed.port, priority: 1, confirmed: false });
    await addServer(t.ctx, { port: confirmed.port, priority: 2 });
    await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, api);
    await worker().drain();
    expect(unconfirmed.received).toHaveLength(0);
    expect(confirmed.received).toHaveLength(1);
  });

  it("appends the signature in HTML and text and embeds the logo as a CID part", async () => {
    const s = await sink();
    await addServer(t.ctx, {
      port: s.port,
      logo: true,
      signatureHtml: '<p><img src="cid:logo" alt="logo"> <b>Exemple SARL</b></p>',
    });
    await enqueueMessage(
      t.ctx,
      { to: { address: "a@exemple.fr", name: "Alice" }, subject: "Bonjour", html: "<p>Corps</p>" },
      api,
    );
    await worker().drain();
    const [mail] = await s.waitFor(1);
    expect(mail!.parsed.html).toContain("Corps");
    expect(mail!.parsed.html).toContain("Exemple SARL");
    expect(mail!.parsed.text).toContain("-- \nExemple SARL");
    const logo = mail!.parsed.attachments.find((a) => a.cid === "logo");
    expect(logo?.contentType).toBe("image/png");
    expect(mail!.raw.toString()).toMatch(/Content-ID: <logo>/i);
    expect(mail!.parsed.from?.value[0]).toEqual({ address: "expediteur@exemple.fr", name: "Exemple SARL" });
  });

  it("retries a 451 and delivers on the next try", async () => {
    const s = await sink({
      onMessage: (i) => (i === 0 ? { code: 451, message: "4.7.1 Try again later" } : undefined),
    });
    await addServer(t.ctx, { port: s.port });
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, api);
    await worker().drain();
    const message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("sent");
    expect(message.attempts.map((a) => [a.outcome, a.responseCode])).toEqual([
      ["temporary", 451],
      ["sent", 250],
    ]);
    expect(s.received).toHaveLength(1);
  });

  it("stops on a 550 with the reason and does not retry", async () => {
    const s = await sink({ onRcpt: () => ({ code: 550, message: "5.1.1 User unknown" }) });
    await addServer(t.ctx, { port: s.port });
    const { id } = await enqueueMessage(t.ctx, { to: "nobody@exemple.fr", subject: "S", text: "x" }, api);
    await worker().drain();
    const message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("failed");
    expect(message.attemptCount).toBe(1);
    expect(message.lastError).toContain("User unknown");
    expect(message.attempts[0]).toMatchObject({ outcome: "permanent", responseCode: 550, stage: "RCPT TO" });
  });

  it("fails over to the next server when the first refuses the connection", async () => {
    const backup = await sink();
    await addServer(t.ctx, { port: await closedPort(), priority: 1 });
    const backupId = await addServer(t.ctx, { port: backup.port, priority: 2 });
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, api);
    await worker().drain();
    const message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("sent");
    expect(message.lastServerId).toBe(backupId);
    expect(message.attempts.map((a) => [a.outcome, a.stage])).toEqual([
      ["temporary", "CONN"],
      ["sent", null],
    ]);
    expect(backup.received).toHaveLength(1);
  });

  it("does not fail over once the first server may have accepted DATA", async () => {
    const first = await sink({ dropAfterData: (i) => i === 0 });
    const backup = await sink();
    const firstId = await addServer(t.ctx, { port: first.port, priority: 1 });
    await addServer(t.ctx, { port: backup.port, priority: 2 });
    const { id } = await enqueueMessage(t.ctx, { to: "a@exemple.fr", subject: "S", text: "x" }, api);
    await worker().runOnce();
    let message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("queued");
    expect(message.attempts).toHaveLength(1);
    expect(message.attempts[0]).toMatchObject({ outcome: "temporary", stage: "DATA", serverId: firstId });
    expect(backup.received).toHaveLength(0);
    // The retry stays on the first server (it may hold a copy already).
    await worker().drain();
    message = await getMessage(t.ctx, id, ALL_MESSAGES);
    expect(message.status).toBe("sent");
    expect(message.lastServerId).toBe(firstId);
    expect(backup.received).toHaveLength(0);
  });
});
