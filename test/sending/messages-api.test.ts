import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MESSAGE_MAX_BYTES } from "../../src/sending/message.schema.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { addServer } from "./helpers/fixtures.js";
import { createIsolatedTestContext } from "./helpers/store.js";
import { startSmtpSink, type SmtpSink } from "./helpers/smtp-sink.js";

describe.each(STORE_KINDS)("messages API on %s", (kind) => {
  let t: TestContext;
  let http: SignedInApp;
  let sink: SmtpSink;
  let serverId: number;

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    http.app.inject({
      method: "POST",
      url: "/api/v1/messages",
      headers: { authorization: `Bearer ${http.apiKey}`, ...headers },
      payload: body as object,
    });

  beforeEach(async () => {
    t = await createIsolatedTestContext(kind);
    http = await signedInApp(t.ctx);
    sink = await startSmtpSink();
    serverId = await addServer(t.ctx, { port: sink.port });
  });
  afterEach(async () => {
    await http.app.close();
    await sink.close();
    await t.dispose();
  });

  it("answers 202 with the message id once it is in the outbox, then shows its attempts", async () => {
    const response = await post({ to: "alice@exemple.fr", subject: "Facture", text: "Bonjour" });
    expect(response.statusCode).toBe(202);
    const { id, status } = response.json() as { id: number; status: string };
    expect(status).toBe("queued");
    expect(response.headers.location).toBe(`/api/v1/messages/${id}`);
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0 });
    await worker.drain();
    worker.close();
    const detail = await http.request("GET", `/api/v1/messages/${id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.json()).toMatchObject({
      id,
      status: "sent",
      lastServerId: serverId,
      attempts: [{ outcome: "sent", responseCode: 250, serverId }],
    });
    const stats = await http.request("GET", "/api/v1/servers/stats");
    expect(stats.json()).toMatchObject({ items: [{ serverId, sent: 1, permanentFailures: 0 }] });
  });

  it("queues one message per idempotency key and refuses the key for another message", async () => {
    const body = { to: "alice@exemple.fr", subject: "Commande 42", text: "x" };
    const first = await post(body, { "idempotency-key": "order-42" });
    const again = await post(body, { "idempotency-key": "order-42" });
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ id: first.json().id, duplicate: true });
    const other = await post({ ...body, subject: "Commande 43" }, { "idempotency-key": "order-42" });
    expect(other.statusCode).toBe(409);
    expect(other.json().error.code).toBe("IDEMPOTENCY_KEY_REUSED");
    const list = await http.request("GET", "/api/v1/messages");
    expect(list.json().total).toBe(1);
  });

  it("keeps one message when requests with the same key arrive together (one commit batch)", async () => {
    const body = { to: "alice@exemple.fr", subject: "Commande 7", text: "x" };
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => post(body, { "idempotency-key": "order-7" })),
      ...Array.from({ length: 4 }, (_, i) => post({ ...body, subject: `Sans clé ${i}` })),
    ]);
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(202));
    const keyed = answers.slice(0, 6).map((a) => a.json() as { id: number; duplicate: boolean });
    expect(new Set(keyed.map((a) => a.id)).size).toBe(1);
    expect(keyed.filter((a) => !a.duplicate)).toHaveLength(1);
    const list = await http.request("GET", "/api/v1/messages");
    expect(list.json().total).toBe(5);
    // Each queued message has its bodies: the worker sends all five.
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0 });
    expect(await worker.drain()).toBe(5);
    worker.close();
    expect(await sink.waitFor(5)).toHaveLength(5);
  });

  it("refuses CR/LF in the subject, names and addresses as header injection", async () => {
    for (const body of [
      { to: "alice@exemple.fr", subject: "Bonjour\r\nBcc: victim@exemple.org", text: "x" },
      { to: { address: "alice@exemple.fr", name: "Alice\nBcc: x@y.z" }, subject: "S", text: "x" },
      { to: "alice@exemple.fr\r\nBcc: x@y.z", subject: "S", text: "x" },
      { to: "alice@exemple.fr", fromName: "Service\r\nX-Evil: 1", subject: "S", text: "x" },
    ]) {
      const response = await post(body);
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe("MESSAGE_HEADER_INJECTION");
      expect(response.json().error.details[0].fr).toContain("Retour à la ligne");
    }
  });

  it("validates addresses and requires a body", async () => {
    const badAddress = await post({ to: "not-an-address", subject: "S", text: "x" });
    expect(badAddress.statusCode).toBe(422);
    expect(badAddress.json().error.details[0].path).toContain("to");
    const noBody = await post({ to: "alice@exemple.fr", subject: "S" });
    expect(noBody.statusCode).toBe(422);
  });

  it("answers 413 for attachments over the limit and accepts a big one under it", async () => {
    const tooBig = Buffer.alloc(MESSAGE_MAX_BYTES + 1024).toString("base64");
    const refused = await post({
      to: "alice@exemple.fr",
      subject: "S",
      text: "x",
      attachments: [{ filename: "big.bin", content: tooBig }],
    });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.code).toBe("MESSAGE_TOO_LARGE");
    const fine = await post({
      to: "alice@exemple.fr",
      subject: "S",
      text: "x",
      attachments: [
        {
          filename: "devis.pdf",
          contentType: "application/pdf",
          content: Buffer.alloc(2 * 1024 * 1024).toString("base64"),
        },
      ],
    });
    expect(fine.statusCode).toBe(202);
  });

  it("searches messages by recipient and status and needs credentials", async () => {
    await post({ to: "alice@exemple.fr", subject: "A", text: "x" });
    await post({ to: "bob@exemple.fr", cc: ["carol@exemple.fr"], subject: "B", text: "x" });
    const byRecipient = await http.request("GET", "/api/v1/messages?recipient=CAROL");
    expect(byRecipient.json().items.map((m: { subject: string }) => m.subject)).toEqual(["B"]);
    const byStatus = await http.request("GET", "/api/v1/messages?status=sent");
    expect(byStatus.json().total).toBe(0);
    const anonymous = await http.app.inject({
      method: "POST",
      url: "/api/v1/messages",
      payload: { to: "a@exemple.fr" },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it("documents the sending routes in the OpenAPI description", async () => {
    const response = await http.app.inject({ method: "GET", url: "/api/v1/openapi.json" });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining(["/api/v1/messages", "/api/v1/messages/{id}", "/api/v1/servers/stats"]),
    );
  });

  it("refuses a department no confirmed server covers", async () => {
    await t.ctx.db.updateTable("smtp_servers").set({ confirmed_at: null }).execute();
    const response = await post({ to: "alice@exemple.fr", subject: "S", text: "x" });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe("MESSAGE_NO_ROUTE");
  });
});
