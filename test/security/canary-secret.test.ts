import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createContext, type AppContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { sendConfirmation } from "../../src/confirmation/confirmation.service.js";
import { startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { testStoredServer } from "../../src/diagnostics/diagnostics.service.js";
import { backupDatabase, restoreDatabase } from "../../src/ops/backup.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { runCliAsync } from "../diagnostics/helpers/cli.js";
import { createTestContext, STORE_KINDS, TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { expectNoSecret, received, startRecorder, type Recorder } from "../secrets/recorder.js";

/**
 * Issue 13 item 2: a password entered for endpoint A never reaches any other endpoint, whatever path moves
 * the record (API edit, SQL, an edited backup) and whatever uses it (test, CLI test, bulk, confirmation,
 * sending). Endpoint A still gets it while nothing changed. Real smtp-server listeners record every byte.
 */
const CANARY = "Kanari-7f3Q!x9Lm-canary";
const USER = "canary-user@exemple.fr";
const api = { kind: "cli" as const };

describe.each(STORE_KINDS)("a stored password only reaches the endpoint it was entered for (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let a: Recorder; // the endpoint the password belongs to
  let bPort: Recorder; // same host, another port
  let bHost: Recorder; // another loopback address, same port as A
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestContext(kind);
    s = await signedInApp(t.ctx);
    a = await startRecorder({ accept: { user: USER, password: CANARY } });
    bPort = await startRecorder();
    bHost = await startRecorder({ host: "127.0.0.2", port: a.port });
    const databaseUrl = t.pgSchema
      ? `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`
      : `sqlite:${t.dir}/facteur.db`;
    env = { FACTEUR_DATA_DIR: t.dir, FACTEUR_DATABASE_URL: databaseUrl };
  });

  afterEach(() => {
    // The one assertion every path shares: no other endpoint ever saw the canary, in any encoding.
    expect(received(bPort, CANARY, USER), "endpoint B (other port) received the password").toBe(false);
    expect(received(bHost, CANARY, USER), "endpoint B (other host) received the password").toBe(false);
    for (const r of [a, bPort, bHost]) r.reset();
  });

  afterAll(async () => {
    await Promise.all([a, bPort, bHost].map((r) => r?.close()));
    await s?.app.close();
    await t?.dispose();
  });

  async function createOnA(title: string): Promise<{ id: number; version: number }> {
    const created = await s.request(
      "POST",
      "/api/v1/servers",
      serverBody({
        title,
        host: "127.0.0.1",
        port: a.port,
        security: "none",
        username: USER,
        password: CANARY,
        mail: "canary@exemple.fr",
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const { server } = created.json() as { server: { id: number; version: number } };
    return server;
  }

  /** The server's test through the API reaches A with the canary: the binding did not break A. */
  async function expectAStillWorks(id: number): Promise<void> {
    a.reset();
    const tested = await s.request("POST", `/api/v1/servers/${id}/test`, { tryAlternatives: false });
    expect(tested.statusCode, tested.body).toBe(200);
    expect(tested.json()).toMatchObject({ ok: true, authenticated: true });
    expect(received(a, CANARY, USER)).toBe(true);
  }

  it("refuses an API edit of host, port, security, username or authentication without the password", async () => {
    const server = await createOnA("API edits");
    for (const change of [
      { host: "127.0.0.2" },
      { port: bPort.port },
      { host: "127.0.0.2", port: a.port },
      { security: "tls" },
      { username: "someone-else@exemple.fr" },
      { authentication: "encrypted_password" },
    ]) {
      const edited = await s.request("PATCH", `/api/v1/servers/${server.id}`, {
        version: server.version,
        ...change,
      });
      expect(edited.statusCode, JSON.stringify(change)).toBe(422);
      const error = (edited.json() as { error: { code: string; details: unknown[] } }).error;
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details).toContainEqual(
        expect.objectContaining({ path: "password", code: "PASSWORD_REENTRY_REQUIRED" }),
      );
      expectNoSecret(edited.body, CANARY, "the 422 answer", USER);
    }
    await expectAStillWorks(server.id);
    // With the password typed again, the move is accepted and the password serves the new endpoint only.
    const moved = await s.request("PATCH", `/api/v1/servers/${server.id}`, {
      version: server.version,
      port: bPort.port,
      password: "Autre!Secret-pour-B-42",
    });
    expect(moved.statusCode, moved.body).toBe(200);
  });

  it("refuses the same edit through the CLI (servers update) unless the password is given again", async () => {
    const server = await createOnA("CLI edit");
    const refused = await runCliAsync(
      ["servers", "update", String(server.id), "--port", String(bPort.port)],
      "",
      env,
    );
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/password: Saisissez à nouveau le mot de passe/);
    expectNoSecret(refused.stdout + refused.stderr, CANARY, "CLI output", USER);
    await expectAStillWorks(server.id);
    const accepted = await runCliAsync(
      ["servers", "update", String(server.id), "--port", String(bPort.port), "--password-stdin"],
      "Autre!Secret-pour-B-42\n",
      env,
    );
    expect(accepted.status, accepted.stderr).toBe(0);
  });

  it("drops the stored password when a server without authentication moves", async () => {
    const server = await createOnA("No auth");
    const moved = await s.request("PATCH", `/api/v1/servers/${server.id}`, {
      version: server.version,
      authentication: "none",
      port: bPort.port,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ server: { hasPassword: false } });
    const tested = await s.request("POST", `/api/v1/servers/${moved.json().server.id}/test`, {
      tryAlternatives: false,
    });
    expect(tested.statusCode).toBe(200);
  });

  it("never returns the password or its envelope, to an admin either (API, exports, CLI)", async () => {
    const server = await createOnA("Write-only");
    const { password_enc: envelope } = await t.ctx.db
      .selectFrom("smtp_servers")
      .select("password_enc")
      .where("id", "=", server.id)
      .executeTakeFirstOrThrow();
    const ciphertext = envelope!.split(".").at(-1)!;
    const outputs: Array<[string, string]> = [];
    for (const url of [
      "/api/v1/servers",
      `/api/v1/servers/${server.id}`,
      "/api/v1/servers/export.csv",
      // XLSX and PDF are compressed (a byte search proves little there); their cells come from the same
      // password-free view as the CSV's.
      "/api/v1/servers/export.xlsx",
      "/api/v1/servers/export.pdf",
      "/api/v1/openapi.json",
    ]) {
      const res = await s.request("GET", url);
      expect(res.statusCode, url).toBe(200);
      outputs.push([url, res.rawPayload.toString("latin1")]);
    }
    for (const args of [
      ["servers", "show", String(server.id), "--json"],
      ["servers", "list", "--json"],
    ]) {
      const run = await runCliAsync(args, "", env);
      expect(run.status, run.stderr).toBe(0);
      outputs.push([args.join(" "), run.stdout + run.stderr]);
    }
    for (const [where, text] of outputs) {
      expectNoSecret(text, CANARY, where, USER);
      expect(text.includes(ciphertext), `${where} holds the sealed password`).toBe(false);
    }
    expect(outputs.find(([u]) => u === `/api/v1/servers/${server.id}`)![1]).toContain('"hasPassword":true');
  });

  describe("after a record is moved behind Facteur's back (SQL)", () => {
    const moves: Array<[string, (r: { bPort: number }) => Record<string, unknown>]> = [
      ["port", (r) => ({ port: r.bPort })],
      ["host", () => ({ host: "127.0.0.2" })],
      ["username", () => ({ username: "mallory@exemple.fr" })],
      ["authentication", () => ({ authentication: "encrypted_password" })],
      ["security", () => ({ security: "tls" })],
    ];

    it.each(moves)(
      "moving %s: test, CLI test, bulk, confirmation and sending refuse with a code",
      async (_n, move) => {
        const server = await createOnA(`SQL ${_n}`);
        await t.ctx.db
          .updateTable("smtp_servers")
          .set({ ...move({ bPort: bPort.port }), confirmed_at: t.ctx.now().toISOString() })
          .where("id", "=", server.id)
          .execute();

        const tested = await s.request("POST", `/api/v1/servers/${server.id}/test`, {
          tryAlternatives: false,
        });
        expect(tested.statusCode, tested.body).toBe(409);
        expect(tested.json()).toMatchObject({ error: { code: "SERVER_PASSWORD_REENTRY_REQUIRED" } });

        const cli = await runCliAsync(["test", "server", String(server.id), "--json"], "", env);
        expect(cli.status).not.toBe(0);
        expect(cli.stderr).toContain("SERVER_PASSWORD_REENTRY_REQUIRED");
        expectNoSecret(cli.stdout + cli.stderr, CANARY, "CLI output", USER);

        const { run, completion } = await startBulkRun(t.ctx, { serverIds: [server.id] });
        await completion;
        const item = await t.ctx.db
          .selectFrom("diagnostic_bulk_items")
          .select(["ok", "code"])
          .where("run_id", "=", run.id)
          .executeTakeFirstOrThrow();
        expect(item).toMatchObject({ ok: 0, code: "SERVER_PASSWORD_REENTRY_REQUIRED" });

        const confirmation = await s.request("POST", `/api/v1/servers/${server.id}/confirmation`, {});
        expect(confirmation.statusCode, confirmation.body).toBe(409);
        expect(confirmation.json()).toMatchObject({ error: { code: "SERVER_PASSWORD_REENTRY_REQUIRED" } });

        const queued = await enqueueMessage(
          t.ctx,
          { to: "dest@exemple.fr", subject: "Canari", text: "x", serverId: server.id },
          api,
        );
        const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0, config: { sendUnconfirmed: true } });
        try {
          await worker.runOnce();
        } finally {
          worker.close();
        }
        const message = await t.ctx.db
          .selectFrom("outbox_messages")
          .select(["status", "last_error"])
          .where("id", "=", queued.id)
          .executeTakeFirstOrThrow();
        expect(message.status).not.toBe("sent");
        expect(message.last_error).toContain("SERVER_PASSWORD_REENTRY_REQUIRED");
        expect(a.mails + bPort.mails + bHost.mails).toBe(0);
      },
    );

    it("an envelope copied onto another server row does not decrypt there", async () => {
      const donor = await createOnA("Donor");
      const thief = await createOnA("Thief");
      await t.ctx.db
        .updateTable("smtp_servers")
        .set({ port: bPort.port })
        .where("id", "=", thief.id)
        .execute();
      const envelope = await t.ctx.db
        .selectFrom("smtp_servers")
        .select("password_enc")
        .where("id", "=", donor.id)
        .executeTakeFirstOrThrow();
      await t.ctx.db
        .updateTable("smtp_servers")
        .set({ password_enc: envelope.password_enc })
        .where("id", "=", thief.id)
        .execute();
      const tested = await s.request("POST", `/api/v1/servers/${thief.id}/test`, { tryAlternatives: false });
      expect(tested.statusCode, tested.body).toBe(409);
      await expect(sendConfirmation(t.ctx, thief.id, "en")).rejects.toMatchObject({
        code: "SERVER_PASSWORD_REENTRY_REQUIRED",
      });
      await expectAStillWorks(donor.id);
    });
  });
});

describe.each(STORE_KINDS)("a restored backup keeps the binding (%s)", (kind) => {
  let a: Recorder;
  let b: Recorder;

  beforeAll(async () => {
    a = await startRecorder({ accept: { user: USER, password: CANARY } });
    b = await startRecorder();
  });
  afterAll(async () => {
    await Promise.all([a, b].map((r) => r?.close()));
  });

  async function reopen(t: TestContext): Promise<AppContext> {
    return createContext(t.config, {
      logger: createLogger("silent"),
      ...(t.pgSchema ? { pgSchema: t.pgSchema } : {}),
    });
  }

  it("an untouched backup still reaches A; a backup whose row points at B decrypts nowhere", async () => {
    const t = await createTestContext(kind);
    let ctx: AppContext = t.ctx;
    try {
      const s = await signedInApp(ctx);
      const created = await s.request(
        "POST",
        "/api/v1/servers",
        serverBody({ host: "127.0.0.1", port: a.port, security: "none", username: USER, password: CANARY }),
      );
      expect(created.statusCode, created.body).toBe(201);
      await s.app.close();
      const id = (created.json() as { server: { id: number } }).server.id;
      const dir = mkdtempSync(join(tmpdir(), "facteur-canary-"));
      const clean = join(dir, kind === "sqlite" ? "clean.sqlite" : "clean.dump");
      const edited = join(dir, kind === "sqlite" ? "edited.sqlite" : "edited.dump");
      await backupDatabase(ctx, clean);
      if (kind === "sqlite") {
        await backupDatabase(ctx, edited);
        const file = new Database(edited);
        file.prepare("update smtp_servers set port = ? where id = ?").run(b.port, id);
        file.close();
      } else {
        // A custom-format dump is edited the way an attacker with the database would: rows changed, dumped.
        await ctx.db.updateTable("smtp_servers").set({ port: b.port }).where("id", "=", id).execute();
        await backupDatabase(ctx, edited);
      }

      await restoreDatabase(ctx, clean);
      ctx = await reopen(t);
      const ok = await testStoredServer(ctx, id, { tryAlternatives: false });
      expect(ok).toMatchObject({ ok: true, authenticated: true });
      expect(received(a, CANARY, USER)).toBe(true);

      await restoreDatabase(ctx, edited);
      ctx = await reopen(t);
      await expect(testStoredServer(ctx, id, { tryAlternatives: false })).rejects.toMatchObject({
        code: "SERVER_PASSWORD_REENTRY_REQUIRED",
      });
      await expect(sendConfirmation(ctx, id, "fr")).rejects.toMatchObject({
        code: "SERVER_PASSWORD_REENTRY_REQUIRED",
      });
      expect(received(b, CANARY, USER)).toBe(false);
    } finally {
      if (ctx !== t.ctx) {
        await ctx.close();
        t.ctx.close = async () => {}; // closed by the first restore
      }
      await t.dispose();
    }
  });
});
