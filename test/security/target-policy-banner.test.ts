import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkEventsAfter, startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { ALL_MESSAGES, getMessage } from "../../src/sending/message-view.service.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { countingRaw, policyConfig, storeServer, type CountingListener } from "./target-policy-fixtures.js";

/**
 * Issue 13 item 6: a service that is not a mail server (the report's NATS on 127.0.0.1:4222) must never have
 * its banner returned, stored or sent back. Loopback is opened here on purpose: the greeting, not the
 * address, is under test. Every surface that shows a connection's outcome is read back.
 */
const SECRET = "NATS-SECRET-7f3a";
const BANNER = `INFO {"server_id":"${SECRET}","version":"2.10.1","auth_required":false}\r\n`;

function expectNoBanner(text: string, where: string): void {
  expect(text, where).not.toContain(SECRET);
  expect(text, where).not.toContain("INFO {");
}

describe.each(STORE_KINDS)("non-mail banners on %s", (store) => {
  let t: TestContext;
  let http: SignedInApp;
  let nats: CountingListener;

  beforeAll(async () => {
    t = await createIsolatedTestContext(store, { config: policyConfig({ ...LOOPBACK_TARGETS_ENV }) });
    http = await signedInApp(t.ctx);
    nats = await countingRaw(BANNER, false);
  });
  afterAll(async () => {
    await nats.close();
    await http.app.close();
    await t.dispose();
  });

  it.each(["smtp", "imap", "pop3"] as const)(
    "an ad-hoc %s test says NOT_MAIL_SERVER and does not echo the banner",
    async (protocol) => {
      const response = await http.request("POST", "/api/v1/diagnostics/test", {
        protocol,
        host: "127.0.0.1",
        port: nats.port,
        security: "none",
        tryAlternatives: false,
      });
      expectNoBanner(response.body, `${protocol} answer`);
      const result = response.json() as { ok: boolean; failure: { code: string } | null };
      expect(result.ok).toBe(false);
      expect(result.failure?.code).toBe("NOT_MAIL_SERVER");
    },
  );

  it("a stored server's test, its stored result and a bulk run keep no banner", async () => {
    const id = await storeServer(t.ctx, "127.0.0.1", nats.port);
    const tested = await http.request("POST", `/api/v1/servers/${id}/test`, {});
    expectNoBanner(tested.body, "server test answer");
    expect((tested.json() as { failure: { code: string } }).failure.code).toBe("NOT_MAIL_SERVER");
    const last = await http.request("GET", `/api/v1/servers/${id}/test`);
    expectNoBanner(last.body, "stored result");
    const { run, completion } = await startBulkRun(t.ctx, { serverIds: [id] });
    await completion;
    const events = await bulkEventsAfter(t.ctx, run.id, 0);
    expect(events.map((e) => e.code)).toEqual(["NOT_MAIL_SERVER"]);
    const rows = await t.ctx.db.selectFrom("diagnostic_last_results").selectAll().execute();
    expectNoBanner(JSON.stringify(rows), "diagnostic_last_results rows");
  });

  it("a confirmation mail and a queued message sent to it keep no banner", async () => {
    await t.ctx.db.deleteFrom("smtp_servers").execute();
    const id = await storeServer(t.ctx, "127.0.0.1", nats.port);
    const confirmation = await http.request("POST", `/api/v1/servers/${id}/confirmation`);
    expect(confirmation.statusCode).not.toBe(200);
    expectNoBanner(confirmation.body, "confirmation answer");

    const queued = await enqueueMessage(
      t.ctx,
      { to: "client@exemple.fr", subject: "Bannière", text: "x" },
      { kind: "cli" as const },
    );
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0, config: { sendUnconfirmed: false } });
    await worker.runOnce();
    worker.close();
    const message = await getMessage(t.ctx, queued.id, ALL_MESSAGES);
    expect(message.status).not.toBe("sent");
    expectNoBanner(JSON.stringify(message), "outbox message");
    const rows = await t.ctx.db.selectFrom("outbox_attempts").selectAll().execute();
    expectNoBanner(JSON.stringify(rows), "outbox_attempts rows");
  });
});
