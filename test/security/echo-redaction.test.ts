import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { startBulkRun } from "../../src/diagnostics/bulk.service.js";
import { enqueueMessage } from "../../src/sending/outbox.service.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { runCliAsync } from "../diagnostics/helpers/cli.js";
import { onLines, startRawServer, type RunningServer } from "../diagnostics/helpers/servers.js";
import { createTestContext, STORE_KINDS, TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { echoText, expectNoSecret, startRecorder, type Recorder } from "../secrets/recorder.js";

/**
 * Issue 13 item 5: servers that repeat the AUTH data in their refusal (raw, base64 AUTH PLAIN blob, AUTH LOGIN
 * base64, URL- and JSON-escaped, inside a longer base64 blob). The secret must appear in no API answer, no
 * stored result, no CLI output, no log line and no outbox error.
 */
const CANARY = "Ech0-Kanari!9zQ-secret";
const USER = "echo-user@exemple.fr";
const api = { kind: "cli" as const };

/** IMAP that answers LOGIN / AUTHENTICATE with everything it received. */
function imapEcho(socket: Socket): void {
  socket.write("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] echo ready\r\n");
  let pendingTag: string | null = null;
  onLines(socket, (line) => {
    if (pendingTag) {
      const blob = Buffer.from(line, "base64").toString("utf8");
      socket.write(`${pendingTag} NO [AUTHENTICATIONFAILED] got ${line} = ${blob}\r\n`);
      pendingTag = null;
      return;
    }
    const [tag, command = ""] = line.split(" ");
    if (/^CAPABILITY$/i.test(command))
      socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done\r\n`);
    else if (/^LOGIN$/i.test(command)) {
      const [, , user = "", password = ""] = line.split(" ");
      const plain = (s: string) => s.replace(/^"|"$/g, "");
      socket.write(
        `${tag} NO [AUTHENTICATIONFAILED] you sent ${line} ${echoText(plain(user), plain(password))}\r\n`,
      );
    } else if (/^AUTHENTICATE$/i.test(command)) {
      pendingTag = tag ?? "*";
      socket.write("+ \r\n");
    } else if (/^LOGOUT$/i.test(command)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
    else socket.write(`${tag} BAD unknown\r\n`);
  });
}

/** POP3 that answers PASS with the password and its encodings. */
function pop3Echo(socket: Socket): void {
  socket.write("+OK echo ready\r\n");
  let user = "";
  onLines(socket, (line) => {
    if (/^CAPA/i.test(line)) socket.write("+OK\r\nUSER\r\n.\r\n");
    else if (/^USER /i.test(line)) {
      user = line.slice(5);
      socket.write("+OK\r\n");
    } else if (/^PASS /i.test(line))
      socket.write(`-ERR [AUTH] wrong: ${line} ${echoText(user, line.slice(5))}\r\n`);
    else if (/^QUIT/i.test(line)) socket.end("+OK bye\r\n");
    else socket.write("-ERR unknown\r\n");
  });
}

describe.each(STORE_KINDS)("secrets echoed by a server are scrubbed everywhere (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let smtp: Recorder;
  let smtpLogin: Recorder;
  let imap: RunningServer;
  let pop3: RunningServer;
  let env: Record<string, string>;
  const log: string[] = [];

  beforeAll(async () => {
    t = await createTestContext(kind, {
      logger: createLogger("debug", { write: (line: string) => void log.push(line) }),
    });
    s = await signedInApp(t.ctx);
    smtp = await startRecorder({ echo: true });
    smtpLogin = await startRecorder({ echo: true, methods: ["LOGIN"] });
    imap = await startRawServer(imapEcho);
    pop3 = await startRawServer(pop3Echo);
    const databaseUrl = t.pgSchema
      ? `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`
      : `sqlite:${t.dir}/facteur.db`;
    env = { FACTEUR_DATA_DIR: t.dir, FACTEUR_DATABASE_URL: databaseUrl };
  });

  afterAll(async () => {
    await Promise.all([smtp, smtpLogin, imap, pop3].map((r) => r?.close()));
    await s?.app.close();
    await t?.dispose();
  });

  async function storedServer(port: number, title: string): Promise<number> {
    const created = await s.request(
      "POST",
      "/api/v1/servers",
      serverBody({ title, host: "127.0.0.1", port, security: "none", username: USER, password: CANARY }),
    );
    expect(created.statusCode, created.body).toBe(201);
    await t.ctx.db.updateTable("smtp_servers").set({ confirmed_at: t.ctx.now().toISOString() }).execute();
    return (created.json() as { server: { id: number } }).server.id;
  }

  it("the echoing servers really echo (the test can fail)", async () => {
    expect(echoText(USER, CANARY)).toContain(CANARY);
    expect(echoText(USER, CANARY)).toContain(Buffer.from(`\u0000${USER}\u0000${CANARY}`).toString("base64"));
  });

  it("stored-server test: API answer, stored result, last result route", async () => {
    for (const port of [smtp.port, smtpLogin.port]) {
      const id = await storedServer(port, `Echo ${port}`);
      const tested = await s.request("POST", `/api/v1/servers/${id}/test`, { tryAlternatives: false });
      expect(tested.statusCode, tested.body).toBe(200);
      expect(tested.json()).toMatchObject({ ok: false, failure: { code: expect.any(String) } });
      expect(tested.body).toContain("535");
      expectNoSecret(tested.body, CANARY, "POST /servers/:id/test answer", USER);
      const last = await s.request("GET", `/api/v1/servers/${id}/test`);
      expectNoSecret(last.body, CANARY, "GET /servers/:id/test answer", USER);
    }
    expect(smtp.auths.some((a) => a.password === CANARY)).toBe(true);
    expect(smtpLogin.auths.some((a) => a.method === "LOGIN" && a.password === CANARY)).toBe(true);
  });

  it("ad hoc tests of SMTP, IMAP and POP3 settings", async () => {
    for (const [protocol, port] of [
      ["smtp", smtp.port],
      ["imap", imap.port],
      ["pop3", pop3.port],
    ] as const) {
      const tested = await s.request("POST", "/api/v1/diagnostics/test", {
        protocol,
        host: "127.0.0.1",
        port,
        security: "none",
        user: USER,
        password: CANARY,
        tryAlternatives: false,
      });
      expect(tested.statusCode, tested.body).toBe(200);
      expect(tested.json(), protocol).toMatchObject({ ok: false });
      expect(tested.body, protocol).toMatch(/NO \[AUTHENTICATIONFAILED\]|-ERR \[AUTH\]|535/);
      expectNoSecret(tested.body, CANARY, `${protocol} ad hoc test answer`, USER);
    }
  });

  it("CLI output of `test server` and `test smtp|imap|pop3`", async () => {
    const id = await storedServer(smtp.port, "Echo CLI");
    for (const args of [
      ["test", "server", String(id), "--json"],
      ["test", "server", String(id)],
    ]) {
      const run = await runCliAsync([...args, "--no-alternatives"], "", env);
      expect(run.stdout + run.stderr).toContain("535");
      expectNoSecret(run.stdout + run.stderr, CANARY, `facteur ${args.join(" ")}`, USER);
    }
    for (const [protocol, port] of [
      ["smtp", smtp.port],
      ["imap", imap.port],
      ["pop3", pop3.port],
    ] as const) {
      const run = await runCliAsync(
        [
          "test",
          protocol,
          `127.0.0.1:${port}`,
          "--security",
          "none",
          "--user",
          USER,
          "--password-stdin",
          "--json",
        ],
        `${CANARY}\n`,
        env,
      );
      expect(run.stdout.length, run.stderr).toBeGreaterThan(0);
      expectNoSecret(run.stdout + run.stderr, CANARY, `facteur test ${protocol}`, USER);
    }
  });

  it("bulk run, confirmation answer and the outbox errors of the worker", async () => {
    const id = await storedServer(smtp.port, "Echo send");
    const { completion } = await startBulkRun(t.ctx, { serverIds: [id] });
    await completion;

    const confirmation = await s.request("POST", `/api/v1/servers/${id}/confirmation`, {});
    expect(confirmation.statusCode).toBeGreaterThanOrEqual(400);
    expect(confirmation.statusCode).toBeLessThan(500);
    expectNoSecret(confirmation.body, CANARY, "confirmation answer", USER);

    const queued = await enqueueMessage(
      t.ctx,
      { to: "dest@exemple.fr", subject: "Echo", text: "x", serverId: id },
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
    expect(message.last_error).toContain("535");
    expectNoSecret(message.last_error ?? "", CANARY, "outbox last_error", USER);
    const view = await s.request("GET", `/api/v1/messages/${queued.id}`);
    expectNoSecret(view.body, CANARY, "GET /messages/:id", USER);
  });

  it("nothing stored or logged holds the secret (every table but the sealed password, every log line)", async () => {
    const tables = [
      "diagnostic_last_results",
      "diagnostic_bulk_items",
      "diagnostic_bulk_runs",
      "outbox_messages",
      "outbox_attempts",
      "confirmation_tokens",
    ] as const;
    for (const table of tables) {
      const rows = await t.ctx.db.selectFrom(table).selectAll().execute();
      expectNoSecret(JSON.stringify(rows), CANARY, `table ${table}`, USER);
    }
    const servers = await t.ctx.db.selectFrom("smtp_servers").selectAll().execute();
    expectNoSecret(
      JSON.stringify(servers.map(({ password_enc: _sealed, ...rest }) => rest)),
      CANARY,
      "smtp_servers",
      USER,
    );
    expect(log.length).toBeGreaterThan(0);
    expectNoSecret(log.join("\n"), CANARY, "the log", USER);
    if (kind === "sqlite") {
      const file = readFileSync(`${t.dir}/facteur.db`).toString("latin1");
      expect(file.includes(CANARY)).toBe(false);
    }
  });
});
