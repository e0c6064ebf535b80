import { migrateOnly, openEmptyStore } from "../helpers/migrations.js";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createServer, getServerWithSecret } from "../../src/registry/server.service.js";
import { Keyring } from "../../src/secrets/keyring.js";
import { rotateSecrets } from "../../src/secrets/rotate.js";
import {
  LEGACY_SERVER_PASSWORD_AAD,
  openServerPassword,
  serverPasswordAad,
} from "../../src/secrets/server-password.js";
import { type Store } from "../../src/store/db.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { createTestContext, STORE_KINDS, type StoreKind } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { secretEncodings } from "./recorder.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An empty store migrated as the release before 0401 left it. */
async function storeBefore0401(kind: StoreKind): Promise<Store> {
  const store = await openEmptyStore(kind, cleanups);
  await migrateOnly(store, (name) => name !== "0401_secret_binding");
  return store;
}

const keyring = () =>
  Keyring.load({ secretKey: Buffer.alloc(32, 9).toString("base64"), keyFile: "/nonexistent" });

async function insertServer(store: Store, port: number, passwordEnc: string | null): Promise<number> {
  const now = "2026-11-23T10:00:00.000Z";
  const row = await store.db
    .insertInto("smtp_servers")
    .values({
      title: `S${port}`,
      host: "smtp.exemple.fr",
      port,
      authentication: "password",
      security: "starttls",
      mail: "a@exemple.fr",
      sender_name: "A",
      username: "a@exemple.fr",
      password_enc: passwordEnc,
      usage_mode: "all",
      signature_html: "",
      logo_mime: null,
      logo_base64: null,
      priority: 100,
      confirmation_sent_at: null,
      confirmed_at: null,
      confirmed_ip: null,
      last_test_ok: null,
      last_test_code: null,
      last_test_at: null,
      search_text: "s",
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function row(store: Store, id: number) {
  return store.db.selectFrom("smtp_servers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

describe.each(STORE_KINDS)("migration 0401_secret_binding on %s", (kind) => {
  it("re-seals legacy passwords bound to their row and endpoint; leaves unreadable ones as they are", async () => {
    const store = await storeBefore0401(kind);
    const keys = keyring();
    const legacy = keys.encrypt("Ancien!Secret-42", LEGACY_SERVER_PASSWORD_AAD);
    const good = await insertServer(store, 587, legacy);
    const damaged = await insertServer(store, 588, keys.encrypt("x", "some other column"));
    const none = await insertServer(store, 589, null);

    expect(await migrateToLatest(store, { keyring: keys })).toContain("0401_secret_binding");

    const sealed = await row(store, good);
    expect(sealed.password_enc).not.toBe(legacy);
    expect(openServerPassword(keys, sealed, sealed.password_enc!)).toBe("Ancien!Secret-42");
    expect(() => keys.decrypt(sealed.password_enc!, LEGACY_SERVER_PASSWORD_AAD)).toThrow();
    // Bound: the same envelope on the row with another port is refused with the re-entry code.
    expect(() => openServerPassword(keys, { ...sealed, port: 2525 }, sealed.password_enc!)).toThrow(
      expect.objectContaining({ code: "SERVER_PASSWORD_REENTRY_REQUIRED" }),
    );
    const left = await row(store, damaged);
    expect(() => openServerPassword(keys, left, left.password_enc!)).toThrow(
      expect.objectContaining({ code: "SERVER_PASSWORD_REENTRY_REQUIRED" }),
    );
    expect((await row(store, none)).password_enc).toBeNull();
  });

  it("refuses to run without the keyring when there are passwords to re-seal, then runs with it", async () => {
    const store = await storeBefore0401(kind);
    const keys = keyring();
    const legacy = keys.encrypt("Ancien!Secret-42", LEGACY_SERVER_PASSWORD_AAD);
    const id = await insertServer(store, 587, legacy);
    await expect(migrateToLatest(store)).rejects.toThrow(/0401_secret_binding/);
    expect((await row(store, id)).password_enc).toBe(legacy);
    expect(await migrateToLatest(store, { keyring: keys })).toContain("0401_secret_binding");
    const sealed = await row(store, id);
    expect(keys.decrypt(sealed.password_enc!, serverPasswordAad(sealed))).toBe("Ancien!Secret-42");
  });
});

describe.each(STORE_KINDS)("migration 0401 scrubs replies stored before redaction by value (%s)", (kind) => {
  it("removes an echoed password from last test results, attempt responses and message errors", async () => {
    const t = await createTestContext(kind);
    cleanups.push(() => t.dispose());
    const password = "Ech0!Stored-Secret-7";
    const user = "contact@exemple.fr";
    const { server } = await createServer(t.ctx, createServerSchema.parse(serverBody({ password })));
    const plain = Buffer.from(`\u0000${user}\u0000${password}`).toString("base64");
    const echoed = `535 5.7.8 refused ${plain} (${password})`;
    const now = t.ctx.now().toISOString();
    await t.ctx.db
      .insertInto("diagnostic_last_results")
      .values({
        server_id: server.id,
        ok: 0,
        code: "AUTH_FAILED",
        tested_at: now,
        duration_ms: 5,
        result_json: JSON.stringify({ failure: { reply: echoed }, transcript: [{ text: echoed }] }),
      })
      .execute();
    const queued = await enqueueMessage(
      t.ctx,
      { to: "dest@exemple.fr", subject: "S", text: "x", serverId: server.id },
      { kind: "cli" },
    );
    await t.ctx.db
      .updateTable("outbox_messages")
      .set({ last_server_id: server.id, last_error: `AUTH · EAUTH · ${echoed}` })
      .where("id", "=", queued.id)
      .execute();
    await t.ctx.db
      .insertInto("outbox_attempts")
      .values({
        message_id: queued.id,
        server_id: server.id,
        worker_id: "w",
        outcome: "permanent",
        stage: "AUTH",
        error_code: "EAUTH",
        response_code: 535,
        response: echoed,
        started_at: now,
        finished_at: now,
      })
      .execute();
    // The database as the previous release left it: a legacy envelope, 0401 not applied.
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ password_enc: t.ctx.keyring.encrypt(password, LEGACY_SERVER_PASSWORD_AAD) })
      .where("id", "=", server.id)
      .execute();
    await sql`delete from kysely_migration where name = '0401_secret_binding'`.execute(t.ctx.db);

    expect(await migrateToLatest(t.ctx.store, { keyring: t.ctx.keyring })).toEqual(["0401_secret_binding"]);

    expect((await getServerWithSecret(t.ctx, server.id)).password).toBe(password);
    const stored = JSON.stringify([
      await t.ctx.db.selectFrom("diagnostic_last_results").selectAll().execute(),
      await t.ctx.db.selectFrom("outbox_attempts").selectAll().execute(),
      await t.ctx.db.selectFrom("outbox_messages").select("last_error").execute(),
    ]);
    expect(stored).toContain("535 5.7.8 refused");
    for (const form of secretEncodings(password, user))
      expect(stored.includes(form), `stored replies still hold ${form}`).toBe(false);
    const result = await t.ctx.db
      .selectFrom("diagnostic_last_results")
      .select("result_json")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(result.result_json)).toMatchObject({
      failure: { reply: expect.stringContaining("[redacted]") },
    });
  });
});

describe.each(STORE_KINDS)("rotation with bound passwords on %s", (kind) => {
  it("re-seals each password for its own row, and reports a row moved behind Facteur's back", async () => {
    const t = await createTestContext(kind);
    cleanups.push(() => t.dispose());
    const create = (port: number) =>
      createServer(
        t.ctx,
        createServerSchema.parse(serverBody({ port, password: `Rot4tion!Secret-${port}` })),
      );
    const kept = (await create(587)).server;
    const moved = (await create(465)).server;
    await t.ctx.db.updateTable("smtp_servers").set({ port: 2525 }).where("id", "=", moved.id).execute();
    const report = await rotateSecrets(t.ctx.db, t.ctx.keyring);
    expect(report.reencrypted).toBe(1);
    expect(report.unreadable).toEqual([{ table: "smtp_servers", id: moved.id }]);
    expect((await getServerWithSecret(t.ctx, kept.id)).password).toBe("Rot4tion!Secret-587");
    await expect(getServerWithSecret(t.ctx, moved.id)).rejects.toMatchObject({
      code: "SECRET_KEY_INVALID",
    });
  });
});
