import { migrateOnly, openEmptyStore } from "../helpers/migrations.js";
import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.js";
import { listMessages, getMessage } from "../../src/sending/message-view.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, withApiKey, type SignedInApp } from "../helpers/http.js";
import { addServer } from "../sending/helpers/fixtures.js";
import { startSmtpSink, type SmtpSink } from "../sending/helpers/smtp-sink.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";

type Call = ReturnType<typeof withApiKey>;
const body = (to: string, subject: string) => ({ to, subject, text: "Contenu confidentiel" });

async function queue(call: Call, to: string, subject: string, headers: Record<string, string> = {}) {
  const response = await call("POST", "/api/v1/messages", body(to, subject), headers);
  expect(response.statusCode, response.body).toBe(202);
  return response.json() as { id: number; duplicate: boolean };
}

async function listedIds(call: Call, query = ""): Promise<{ ids: number[]; total: number }> {
  const response = await call("GET", `/api/v1/messages${query}`);
  expect(response.statusCode, response.body).toBe(200);
  const page = response.json() as { items: Array<{ id: number }>; total: number };
  return { ids: page.items.map((m) => m.id).sort((a, b) => a - b), total: page.total };
}

describe.each(STORE_KINDS)("a key without the admin scope follows only its own messages on %s", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let sink: SmtpSink;
  let keyA: Call;
  let keyB: Call;
  let keyBRead: Call; // send+read: still not admin
  let adminKey: Call;
  const ids = { a: [] as number[], b: [] as number[], session: 0, adminKey: 0 };

  beforeAll(async () => {
    t = await createIsolatedTestContext(kind);
    s = await signedInApp(t.ctx);
    sink = await startSmtpSink();
    await addServer(t.ctx, { port: sink.port });
    keyA = withApiKey(s.app, await s.keyWithScopes("send"));
    const rawB = await s.keyWithScopes("send");
    keyB = withApiKey(s.app, rawB);
    keyBRead = withApiKey(s.app, await s.keyWithScopes("send", "read"));
    adminKey = withApiKey(s.app, s.apiKey);
    ids.a.push((await queue(keyA, "alice@exemple.fr", "Facture A1")).id);
    ids.a.push((await queue(keyA, "alain@exemple.fr", "Facture A2")).id);
    ids.b.push((await queue(keyB, "bob@exemple.fr", "Paie B1")).id);
    ids.session = (await queue(s.request, "direction@exemple.fr", "Note admin")).id;
    ids.adminKey = (await queue(adminKey, "compta@exemple.fr", "Clé admin")).id;
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0 });
    await worker.drain(); // attempts with SMTP replies exist for every message
    worker.close();
  });
  afterAll(async () => {
    await s.app.close();
    await sink.close();
    await t.dispose();
  });

  it("lists only the messages each key queued (items and total, with and without filters)", async () => {
    expect(await listedIds(keyA)).toEqual({ ids: ids.a, total: 2 });
    expect(await listedIds(keyB)).toEqual({ ids: ids.b, total: 1 });
    expect(await listedIds(keyBRead)).toEqual({ ids: [], total: 0 });
    // Filters narrow the key's own messages; they never reach another's.
    expect(await listedIds(keyA, "?recipient=bob")).toEqual({ ids: [], total: 0 });
    expect(await listedIds(keyA, "?recipient=direction")).toEqual({ ids: [], total: 0 });
    expect(await listedIds(keyA, "?status=sent&pageSize=200")).toEqual({ ids: ids.a, total: 2 });
    expect(await listedIds(keyA, "?recipient=alice")).toEqual({ ids: [ids.a[0]], total: 1 });
  });

  it("answers 404, exactly as for an unknown id, for another key's or an admin's message", async () => {
    const unknown = await keyA("GET", "/api/v1/messages/987654");
    expect(unknown.statusCode).toBe(404);
    for (const [call, id] of [
      [keyA, ids.b[0]!],
      [keyA, ids.session],
      [keyA, ids.adminKey],
      [keyB, ids.a[0]!],
      [keyBRead, ids.b[0]!],
    ] as const) {
      const response = await call("GET", `/api/v1/messages/${id}`);
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe(unknown.json().error.code);
      expect(response.body).not.toMatch(/Paie|Facture|Note admin|bob@|alice@|direction@|250/);
    }
    const own = await keyA("GET", `/api/v1/messages/${ids.a[0]}`);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ subject: "Facture A1", attempts: [{ outcome: "sent" }] });
  });

  it("lets an admin session and an admin-scoped key see and read every message", async () => {
    const every = [...ids.a, ...ids.b, ids.session, ids.adminKey].sort((x, y) => x - y);
    expect(await listedIds(s.request)).toEqual({ ids: every, total: 5 });
    expect(await listedIds(adminKey)).toEqual({ ids: every, total: 5 });
    for (const id of every) {
      expect((await s.request("GET", `/api/v1/messages/${id}`)).statusCode).toBe(200);
      expect((await adminKey("GET", `/api/v1/messages/${id}`)).statusCode).toBe(200);
    }
  });

  it("keeps the operator's CLI view unrestricted", async () => {
    const all = await listMessages(t.ctx, { page: 1, pageSize: 50 }, { kind: "all" });
    expect(all.total).toBe(5);
    expect((await getMessage(t.ctx, ids.b[0]!, { kind: "all" })).subject).toBe("Paie B1");
  });

  it("never hands key B key A's message by replaying A's Idempotency-Key", async () => {
    const header = { "idempotency-key": "commande-2026-001" };
    const first = await queue(keyA, "client@exemple.fr", "Commande 1", header);
    expect(first.duplicate).toBe(false);
    // Same key, same body, another API key: a new message of B's, never A's id.
    const replay = await keyB("POST", "/api/v1/messages", body("client@exemple.fr", "Commande 1"), header);
    expect(replay.statusCode).toBe(202);
    expect(replay.json()).toMatchObject({ duplicate: false });
    expect(replay.json().id).not.toBe(first.id);
    expect(replay.headers.location).not.toBe(`/api/v1/messages/${first.id}`);
    // Same key, another body, by B again: B's own conflict at most, naming B's message, never A's.
    const conflict = await keyB("POST", "/api/v1/messages", body("x@exemple.fr", "Autre"), header);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).not.toContain(String(first.id));
    // An admin session replaying it gets its own message too.
    const bySession = await queue(s.request, "client@exemple.fr", "Commande 1", header);
    expect(bySession.id).not.toBe(first.id);
    expect((await keyB("GET", `/api/v1/messages/${first.id}`)).statusCode).toBe(404);
    // A's own replay still finds A's message.
    expect(await queue(keyA, "client@exemple.fr", "Commande 1", header)).toEqual({
      id: first.id,
      status: expect.any(String),
      duplicate: true,
    });
  });
});

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe.each(STORE_KINDS)("migration 0403_outbox_api_key on %s", (kind) => {
  it("keeps every queued message, with no owner: admins see it, no key does", async () => {
    const store = await openEmptyStore(kind, cleanups);
    await migrateOnly(store, (name) => name < "0403");
    const now = "2026-01-01T00:00:00.000Z";
    await sql`insert into outbox_messages (status, due_at, to_json, cc_json, bcc_json, subject, attachment_count,
        size_bytes, recipients_search, attempt_count, created_at, updated_at)
      values ('sent', ${now}, '[{"address":"old@exemple.fr"}]', '[]', '[]', 'Ancien', 0, 10, 'old@exemple.fr',
        1, ${now}, ${now})`.execute(store.db);

    expect(await migrateToLatest(store)).toContain("0403_outbox_api_key");
    const rows = (
      await sql<{ subject: string; api_key_id: number | null }>`
        select subject, api_key_id from outbox_messages`.execute(store.db)
    ).rows;
    expect(rows).toEqual([{ subject: "Ancien", api_key_id: null }]);

    const ctx = { db: store.db, dialect: store.dialect } as unknown as AppContext;
    const query = { page: 1, pageSize: 50 };
    expect((await listMessages(ctx, query, { kind: "all" })).total).toBe(1);
    expect((await listMessages(ctx, query, { kind: "apiKey", apiKeyId: 1 })).total).toBe(0);
    await expect(getMessage(ctx, 1, { kind: "apiKey", apiKeyId: 1 })).rejects.toMatchObject({
      code: "MESSAGE_NOT_FOUND",
    });

    // The per-key list reads the new index, not the whole outbox.
    const plan =
      kind === "sqlite"
        ? (
            await sql<{ detail: string }>`explain query plan select id from outbox_messages
              where api_key_id = ${7} order by id desc limit 50`.execute(store.db)
          ).rows.map((r) => r.detail)
        : await store.db.transaction().execute(async (trx) => {
            await sql`set local enable_seqscan = off`.execute(trx);
            const result = await sql<{ "QUERY PLAN": string }>`explain select id from outbox_messages
              where api_key_id = ${7} order by id desc limit 50`.execute(trx);
            return result.rows.map((r) => r["QUERY PLAN"]);
          });
    expect(plan.join("\n")).toContain("outbox_messages_api_key_idx");
  });
});
