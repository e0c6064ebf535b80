import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { runCliAsync } from "../diagnostics/helpers/cli.js";
import { startRawServer, type RunningServer } from "../diagnostics/helpers/servers.js";
import { createTestContext, STORE_KINDS, TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, withApiKey, type SignedInApp } from "../helpers/http.js";
import {
  expectNothingOf,
  imapEcho,
  NAMES,
  PASSWORD,
  pop3Echo,
  smtpEcho,
  userOf,
} from "../secrets/echo-variants.js";

/**
 * Red-team finding 1 (after issue 13 item 5): a server that echoes the password SPLIT over the lines of a
 * multi-line 535, TRUNCATED, inside an UPPER-CASED AUTH PLAIN blob, or RE-ENCODED (hex with spaces,
 * quoted-printable, reversed, rot13, UTF-16 base64, base32). None of it may reach a send key
 * (GET /messages/:id), a read key (GET /servers/:id/test, /servers/stats), an admin (ad hoc test,
 * confirmation, messages), the CLI, any stored row or the log — on both stores, for SMTP, IMAP and POP3.
 */

describe.each(STORE_KINDS)("parts and transforms of an echoed password are never shown (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let smtp: RunningServer;
  let imap: RunningServer;
  let pop3: RunningServer;
  let env: Record<string, string>;
  const seen: string[] = [];
  const log: string[] = [];
  const ids = new Map<string, number>();
  const outputs: Array<[string, string]> = [];

  beforeAll(async () => {
    t = await createTestContext(kind, {
      logger: createLogger("debug", { write: (line: string) => void log.push(line) }),
    });
    s = await signedInApp(t.ctx);
    smtp = await startRawServer(smtpEcho(seen));
    imap = await startRawServer(imapEcho);
    pop3 = await startRawServer(pop3Echo);
    const databaseUrl = t.pgSchema
      ? `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`
      : `sqlite:${t.dir}/facteur.db`;
    env = { FACTEUR_DATA_DIR: t.dir, FACTEUR_DATABASE_URL: databaseUrl };
    for (const name of NAMES) {
      const body = { title: `Echo ${name}`, host: "127.0.0.1", port: smtp.port, security: "none" };
      const created = await s.request(
        "POST",
        "/api/v1/servers",
        serverBody({ ...body, username: userOf(name), password: PASSWORD }),
      );
      expect(created.statusCode, created.body).toBe(201);
      ids.set(name, (created.json() as { server: { id: number } }).server.id);
    }
    await t.ctx.db.updateTable("smtp_servers").set({ confirmed_at: t.ctx.now().toISOString() }).execute();
  });

  afterAll(async () => {
    await Promise.all([smtp, imap, pop3].map((r) => r?.close()));
    await s?.app.close();
    await t?.dispose();
  });

  it("admin: stored-server test, ad hoc SMTP/IMAP/POP3 tests and the confirmation keep codes only", async () => {
    for (const name of NAMES) {
      const id = ids.get(name)!;
      const tested = await s.request("POST", `/api/v1/servers/${id}/test`, { tryAlternatives: false });
      expect(tested.statusCode, tested.body).toBe(200);
      expect(tested.json(), name).toMatchObject({ ok: false, failure: { code: "AUTH_FAILED" } });
      expect(tested.body, name).toContain("535");
      outputs.push([`POST /servers/:id/test (${name})`, tested.body]);
      for (const [protocol, port] of [
        ["smtp", smtp.port],
        ["imap", imap.port],
        ["pop3", pop3.port],
      ] as const) {
        const adhoc = await s.request("POST", "/api/v1/diagnostics/test", {
          protocol,
          host: "127.0.0.1",
          port,
          security: "none",
          user: userOf(name),
          password: PASSWORD,
          tryAlternatives: false,
        });
        expect(adhoc.json(), `${protocol} ${name}`).toMatchObject({
          ok: false,
          failure: { code: "AUTH_FAILED" },
        });
        expect(adhoc.body).toMatch(/NO \[AUTHENTICATIONFAILED\]|-ERR \[AUTH\]|535/);
        outputs.push([`POST /diagnostics/test ${protocol} (${name})`, adhoc.body]);
      }
      const confirmation = await s.request("POST", `/api/v1/servers/${id}/confirmation`, {});
      expect(confirmation.statusCode, confirmation.body).toBe(422);
      outputs.push([`confirmation (${name})`, confirmation.body]);
    }
    // The servers did receive the password (so the echoes were made of it).
    expect(seen.filter((p) => p === PASSWORD).length).toBeGreaterThanOrEqual(2 * NAMES.length);
    for (const [where, body] of outputs) expectNothingOf(body, where);
  });

  it("send key (its message), read key (last test, stats), admin key and the bulk run", async () => {
    const send = withApiKey(s.app, await s.keyWithScopes("send"));
    const read = withApiKey(s.app, await s.keyWithScopes("read"));
    const admin = withApiKey(s.app, await s.keyWithScopes("admin"));
    const { completion } = await startBulkRun(t.ctx, { serverIds: [...ids.values()] });
    await completion;
    const queued = new Map<string, number>();
    for (const name of NAMES) {
      const body = { to: "dest@exemple.fr", subject: `Echo ${name}`, text: "x", serverId: ids.get(name) };
      const answer = await send("POST", "/api/v1/messages", body);
      expect(answer.statusCode, answer.body).toBe(202);
      queued.set(name, (answer.json() as { id: number }).id);
    }
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0, config: { sendUnconfirmed: true } });
    try {
      await worker.runOnce();
    } finally {
      worker.close();
    }
    for (const name of NAMES) {
      const id = queued.get(name)!;
      const mine = await send("GET", `/api/v1/messages/${id}`);
      expect(mine.statusCode, mine.body).toBe(200);
      expect((mine.json() as { lastError: string | null }).lastError, name).toMatch(/EAUTH.*535/);
      expectNothingOf(mine.body, `send key GET /messages/:id (${name})`);
      expectNothingOf(
        (await admin("GET", `/api/v1/messages/${id}`)).body,
        `admin key GET /messages/:id (${name})`,
      );
      const last = await read("GET", `/api/v1/servers/${ids.get(name)}/test`);
      expect(last.statusCode, last.body).toBe(200);
      expect(last.body).toContain("535");
      expectNothingOf(last.body, `read key GET /servers/:id/test (${name})`);
    }
    expect(seen.filter((p) => p === PASSWORD).length).toBeGreaterThanOrEqual(4 * NAMES.length);
    const stats = await read("GET", "/api/v1/servers/stats");
    expect(stats.statusCode, stats.body).toBe(200);
    expect(stats.body).toContain("535");
    expectNothingOf(stats.body, "read key GET /servers/stats");
    expectNothingOf((await admin("GET", "/api/v1/messages")).body, "admin key GET /messages");
  });

  it("CLI: test server, test smtp|imap|pop3, messages list", { timeout: 90_000 }, async () => {
    for (const name of ["split", "splitShort", "plainUpper", "hexSpaced"]) {
      const args = ["test", "server", String(ids.get(name)), "--json", "--no-alternatives"];
      const run = await runCliAsync(args, "", env);
      expect(run.stdout, run.stderr).toContain("535");
      expectNothingOf(run.stdout + run.stderr, `facteur test server (${name})`);
    }
    for (const [protocol, port] of [
      ["smtp", smtp.port],
      ["imap", imap.port],
      ["pop3", pop3.port],
    ] as const) {
      const args = [
        "test",
        protocol,
        `127.0.0.1:${port}`,
        "--security",
        "none",
        "--user",
        userOf("splitShort"),
      ];
      const adhoc = await runCliAsync([...args, "--password-stdin", "--json"], `${PASSWORD}\n`, env);
      expect(adhoc.stdout, adhoc.stderr).toMatch(/NO \[AUTHENTICATIONFAILED\]|-ERR \[AUTH\]|535/);
      expectNothingOf(adhoc.stdout + adhoc.stderr, `facteur test ${protocol}`);
    }
    const listed = await runCliAsync(["messages", "list"], "", env);
    expect(listed.stdout, listed.stderr).toContain("EAUTH");
    expectNothingOf(listed.stdout + listed.stderr, "facteur messages list");
  });

  it("no stored row and no log line holds any part of it", async () => {
    for (const table of [
      "diagnostic_last_results",
      "diagnostic_bulk_items",
      "diagnostic_bulk_runs",
      "outbox_messages",
      "outbox_attempts",
      "confirmation_tokens",
    ] as const) {
      const rows = await t.ctx.db.selectFrom(table).selectAll().execute();
      expectNothingOf(JSON.stringify(rows), `table ${table}`);
    }
    const attempts = await t.ctx.db.selectFrom("outbox_attempts").selectAll().execute();
    expect(attempts.length).toBeGreaterThanOrEqual(NAMES.length);
    const servers = await t.ctx.db.selectFrom("smtp_servers").selectAll().execute();
    expectNothingOf(
      JSON.stringify(servers.map(({ password_enc: _sealed, ...rest }) => rest)),
      "smtp_servers",
    );
    expect(log.length).toBeGreaterThan(0);
    expectNothingOf(log.join("\n"), "the log");
    if (kind === "sqlite")
      expectNothingOf(readFileSync(`${t.dir}/facteur.db`).toString("latin1"), "the SQLite file");
  });
});
