import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RESEND_MIN_INTERVAL_MS } from "../../src/confirmation/confirmation.service.js";
import { getServer, updateServer } from "../../src/registry/server.service.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { addServer } from "../sending/helpers/fixtures.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { startSmtpSink, type SmtpSink } from "../sending/helpers/smtp-sink.js";

const LINK = /https?:\/\/[^\s"<>]+\/confirm\/([A-Za-z0-9_-]+)/;

describe.each(STORE_KINDS)("server confirmation on %s", (kind) => {
  let t: TestContext;
  let http: SignedInApp;
  let sink: SmtpSink;
  let serverId: number;
  let base: string;
  let clock = new Date("2026-11-23T10:00:00Z");

  beforeEach(async () => {
    clock = new Date("2026-11-23T10:00:00Z");
    t = await createIsolatedTestContext(kind, { now: () => clock });
    http = await signedInApp(t.ctx);
    await http.app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(http.app.server.address() as AddressInfo).port}`;
    sink = await startSmtpSink();
    serverId = await addServer(t.ctx, {
      port: sink.port,
      confirmed: false,
      mail: "contact@exemple.fr",
      title: "Serveur principal",
      logo: true,
    });
  });
  afterEach(async () => {
    await http.app.close();
    await sink.close();
    await t.dispose();
  });

  async function sendAndReadLink(count: number): Promise<string> {
    const response = await http.request("POST", `/api/v1/servers/${serverId}/confirmation`, undefined, {
      "accept-language": "fr-FR",
    });
    expect(response.statusCode, response.body).toBe(200);
    const [, ...rest] = await sink.waitFor(count);
    const mail = sink.received[count - 1]!;
    void rest;
    const match = LINK.exec(mail.parsed.text ?? "");
    expect(match).not.toBeNull();
    return new URL(match![0]).pathname;
  }

  it("confirms a server end to end: mail through the server, link page, button, confirmed with IP", async () => {
    const response = await http.request("POST", `/api/v1/servers/${serverId}/confirmation`, undefined, {
      "accept-language": "fr-FR",
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ sentTo: "contact@exemple.fr" });
    expect(response.json().notice.fr).toContain("regarder dans vos indésirables");
    expect(response.json().notice.en).toContain("spam");

    const [mail] = await sink.waitFor(1);
    expect(mail!.envelope.to).toEqual(["contact@exemple.fr"]);
    expect(mail!.parsed.subject).toContain("Serveur principal");
    expect(mail!.parsed.html).toContain("Exemple SARL"); // the signature
    expect(mail!.parsed.attachments.some((a) => a.cid === "logo")).toBe(true);
    const link = LINK.exec(mail!.parsed.text ?? "")![0];
    expect(link.startsWith(t.ctx.config.publicUrl)).toBe(true);
    const token = LINK.exec(link)![1]!;
    // Only the hash is stored.
    const stored = await t.ctx.db.selectFrom("confirmation_tokens").select("token_hash").execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
    expect((await getServer(t.ctx, serverId)).confirmation.state).toBe("pending");

    const path = new URL(link).pathname;
    // GET (what a mail scanner does) shows a page and confirms nothing.
    const page = await fetch(`${base}${path}`, { headers: { "accept-language": "fr-FR" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(html).toContain("Confirmer");
    expect((await getServer(t.ctx, serverId)).confirmation.state).toBe("pending");

    const confirm = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "accept-language": "en" },
      body: "",
    });
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Server confirmed");
    const server = await getServer(t.ctx, serverId);
    expect(server.confirmation.state).toBe("confirmed");
    const row = await t.ctx.db
      .selectFrom("smtp_servers")
      .select("confirmed_ip")
      .where("id", "=", serverId)
      .executeTakeFirstOrThrow();
    expect(row.confirmed_ip).toMatch(/127\.0\.0\.1/);

    // Single use.
    const again = await fetch(`${base}${path}`, { method: "POST", headers: { "accept-language": "fr" } });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("Lien déjà utilisé");
  });

  it("refuses an expired link and an unknown one with clear pages", async () => {
    const path = await sendAndReadLink(1);
    clock = new Date(clock.getTime() + (t.ctx.config.confirmationTtlHours + 1) * 3_600_000);
    const expired = await fetch(`${base}${path}`, { method: "POST", headers: { "accept-language": "fr" } });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("Lien expiré");
    expect((await getServer(t.ctx, serverId)).confirmation.state).not.toBe("confirmed");
    const unknown = await fetch(`${base}/confirm/not-a-token`, { headers: { "accept-language": "en" } });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("Unknown link");
  });

  it("voids a link when the server's settings change after sending", async () => {
    const path = await sendAndReadLink(1);
    const current = await getServer(t.ctx, serverId);
    await updateServer(t.ctx, serverId, {
      version: current.version,
      port: sink.port + 0,
      username: "autre",
    } as never);
    const stale = await fetch(`${base}${path}`, { method: "POST", headers: { "accept-language": "fr" } });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("Réglages modifiés");
    expect((await getServer(t.ctx, serverId)).confirmation.state).toBe("never_sent");
  });

  it("rate-limits resending and allows it again after the interval", async () => {
    await sendAndReadLink(1);
    const tooSoon = await http.request("POST", `/api/v1/servers/${serverId}/confirmation`);
    expect(tooSoon.statusCode).toBe(429);
    expect(tooSoon.json().error.code).toBe("CONFIRMATION_RATE_LIMITED");
    expect(Number(tooSoon.headers["retry-after"])).toBeGreaterThan(0);
    clock = new Date(clock.getTime() + RESEND_MIN_INTERVAL_MS + 1_000);
    await sendAndReadLink(2);
  });

  it("reports a server that refuses the confirmation mail with a coded 4xx carrying the diagnosis", async () => {
    await sink.close();
    sink = await startSmtpSink({ onRcpt: () => ({ code: 550, message: "5.7.1 Relay denied" }) });
    await t.ctx.db.updateTable("smtp_servers").set({ port: sink.port }).where("id", "=", serverId).execute();
    const response = await http.request("POST", `/api/v1/servers/${serverId}/confirmation`);
    // The registered server's settings failed, not Facteur nor a gateway: a 4xx, never a 5xx.
    expect(response.statusCode).toBe(422);
    const { error } = response.json();
    expect(error.code).toBe("CONFIRMATION_SEND_FAILED");
    expect(error.messages.fr).toBeTruthy();
    expect(error.messages.en).toBeTruthy();
    expect(error.diagnosis).toMatchObject({ responseCode: 550 });
    expect(String(error.diagnosis.stage)).toMatch(/rcpt/i);
    expect(error.diagnosis.response).toContain("Relay denied");
  });
});
