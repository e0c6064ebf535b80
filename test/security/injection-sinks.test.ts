import { mkdtempSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { parseOrThrow } from "../../src/domain/validation.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { EXIT } from "../../src/cli/runtime.js";
import { runCli } from "../helpers/cli.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { probe } from "../diagnostics/helpers/probe.js";
import { onLines, startRawServer } from "../diagnostics/helpers/servers.js";
import { addServer } from "../sending/helpers/fixtures.js";
import { startSmtpSink, type ReceivedMail, type SmtpSink } from "../sending/helpers/smtp-sink.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";

/**
 * Issue 13, item 4, end to end: a header or a protocol line injected through a stored field. The schemas
 * refuse such values (test/security/injection-routes.test.ts); these tests show the sinks hold even when a
 * bad value is in the database already (written before the fix, or straight into the database): the sent
 * mail carries no injected header, and no probe writes an extra protocol line.
 */
const INJECTED = "Inj\r\nBcc: x@exemple.fr";

/** The header section of a raw message, one entry per header (folded lines joined). */
function headerLines(mail: ReceivedMail): string[] {
  const raw = mail.raw.toString("utf8");
  const end = raw.indexOf("\r\n\r\n");
  return raw
    .slice(0, end)
    .replace(/\r\n[ \t]/g, " ")
    .split("\r\n");
}

function expectNoInjectedHeader(mail: ReceivedMail, recipient: string): void {
  const headers = headerLines(mail);
  expect(
    headers.filter((h) => /^bcc\s*:/i.test(h)),
    headers.join("\n"),
  ).toEqual([]);
  // Every line of the header section is a header: no stray line started by the injected CR/LF.
  for (const header of headers) expect(header, headers.join("\n")).toMatch(/^[A-Za-z0-9-]+: /);
  expect(mail.parsed.headers.has("bcc")).toBe(false);
  expect(mail.envelope.to).toEqual([recipient]);
}

describe.each(STORE_KINDS)("header injection through stored fields (%s)", (kind) => {
  let t: TestContext;
  let http: SignedInApp;
  let sink: SmtpSink;
  let serverId: number;

  beforeEach(async () => {
    t = await createIsolatedTestContext(kind);
    http = await signedInApp(t.ctx);
    sink = await startSmtpSink();
    serverId = await addServer(t.ctx, { port: sink.port, mail: "contact@exemple.fr", title: "Principal" });
  });
  afterEach(async () => {
    await http.app.close();
    await sink.close();
    await t.dispose();
  });

  it("refuses a sender name, title or username holding a header, through the API and the service (CLI)", async () => {
    const count = async () =>
      Number(
        (
          await t.ctx.db
            .selectFrom("smtp_servers")
            .select(({ fn }) => fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    for (const field of ["senderName", "title", "username"]) {
      const created = await http.request("POST", "/api/v1/servers", serverBody({ [field]: INJECTED }));
      expect(created.statusCode, created.body).toBe(422);
      const details = (created.json() as { error: { details: Array<{ path: string; code: string }> } }).error
        .details;
      expect(details).toContainEqual(expect.objectContaining({ path: field, code: "CONTROL_CHARACTER" }));
      const patched = await http.request("PATCH", `/api/v1/servers/${serverId}`, {
        version: 1,
        [field]: INJECTED,
      });
      expect(patched.statusCode, patched.body).toBe(422);
      // The CLI (src/cli/commands/servers.ts) and the UI parse with the same schema.
      expect(() => parseOrThrow(createServerSchema, serverBody({ [field]: INJECTED }))).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED" }),
      );
    }
    expect(await count()).toBe(before);
  });

  it("sends the confirmation of a server stored with an injected sender name and title with no extra header", async () => {
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ sender_name: INJECTED, title: `T ${INJECTED}`, confirmed_at: null })
      .where("id", "=", serverId)
      .execute();
    const response = await http.request("POST", `/api/v1/servers/${serverId}/confirmation`);
    expect(response.statusCode, response.body).toBe(200);
    const [mail] = await sink.waitFor(1);
    expectNoInjectedHeader(mail!, "contact@exemple.fr");
    // The name travels as an RFC 2047 encoded word and reads back as typed.
    const from = headerLines(mail!).find((h) => h.startsWith("From: "))!;
    expect(from).toMatch(/=\?UTF-8\?[QB]\?/i);
    expect(mail!.parsed.from?.value[0]?.address).toBe("contact@exemple.fr");
    expect(mail!.parsed.from?.value[0]?.name).toContain("Bcc: x@exemple.fr");
  });

  it("sends a message through that server with no extra header", async () => {
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ sender_name: INJECTED })
      .where("id", "=", serverId)
      .execute();
    const queued = await http.request("POST", "/api/v1/messages", {
      to: "client@exemple.fr",
      subject: "Facture",
      text: "Bonjour",
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0 });
    await worker.drain();
    worker.close();
    const [mail] = await sink.waitFor(1);
    expectNoInjectedHeader(mail!, "client@exemple.fr");
    expect(headerLines(mail!).find((h) => h.startsWith("From: "))).toMatch(/=\?UTF-8\?[QB]\?/i);
  });

  it("sends nothing from a server whose stored Mail address holds a line break", async () => {
    await t.ctx.db
      .updateTable("smtp_servers")
      .set({ mail: "contact@exemple.fr\r\nBcc: x@exemple.fr" })
      .where("id", "=", serverId)
      .execute();
    const queued = await http.request("POST", "/api/v1/messages", {
      to: "client@exemple.fr",
      subject: "Facture",
      text: "Bonjour",
    });
    expect(queued.statusCode, queued.body).toBe(202);
    const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0 });
    await worker.drain();
    worker.close();
    expect(sink.dataCount).toBe(0);
    const detail = await http.request("GET", `/api/v1/messages/${(queued.json() as { id: number }).id}`);
    expect((detail.json() as { status: string }).status).toBe("failed");
  });
});

/** A line-protocol server that records every line it receives and answers from a script. */
async function recordingServer(greeting: string, answer: (line: string) => string) {
  const lines: string[] = [];
  const server = await startRawServer((socket: Socket) => {
    socket.write(`${greeting}\r\n`);
    onLines(socket, (line) => {
      lines.push(line);
      socket.write(`${answer(line)}\r\n`);
      if (/^(\S+ )?(QUIT|LOGOUT)\b/i.test(line)) socket.end();
    });
  });
  return { lines, server };
}

describe("protocol-line injection in connection tests (arguments stored before the schemas refused them)", () => {
  it("POP3: a user `bob\\r\\nSET x` sends no extra line and fails with PROTOCOL_ARGUMENT_REFUSED", async () => {
    const { lines, server } = await recordingServer("+OK POP3 ready", (line) =>
      line === "CAPA" ? "+OK\r\nUSER\r\n." : line === "STAT" ? "+OK 0 0" : "+OK",
    );
    try {
      const result = await probe({
        protocol: "pop3",
        port: server.port,
        user: "bob\r\nSET x",
        password: "pw",
      });
      expect(lines).not.toContain("SET x");
      expect(lines.filter((l) => /^(USER|PASS|SET)\b/.test(l))).toEqual([]);
      expect(result.ok).toBe(false);
      expect(result.failure?.code).toBe("PROTOCOL_ARGUMENT_REFUSED");
      expect(result.failure?.diagnosis.fr).not.toBe(result.failure?.diagnosis.en);
    } finally {
      await server.close();
    }
  });

  it("POP3: a password holding a line break or NUL is never written either", async () => {
    const { lines, server } = await recordingServer("+OK POP3 ready", (line) =>
      line === "CAPA" ? "+OK\r\nUSER\r\n." : "+OK",
    );
    try {
      for (const password of ["pw\r\nDELE 1", "pw\u0000x", "pw\nRETR 1"]) {
        const result = await probe({ protocol: "pop3", port: server.port, user: "bob", password });
        expect(result.failure?.code).toBe("PROTOCOL_ARGUMENT_REFUSED");
      }
      expect(lines.filter((l) => /^(PASS|DELE|RETR)\b/.test(l) || l.includes("\u0000"))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("IMAP: a user with CR/LF adds no tagged command (no raw LOGIN line)", async () => {
    const { lines, server } = await recordingServer("* OK IMAP ready", (line) => {
      const tag = line.split(" ", 1)[0];
      return /CAPABILITY/i.test(line)
        ? `* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n${tag} OK done`
        : `${tag} OK done`;
    });
    try {
      const result = await probe({
        protocol: "imap",
        port: server.port,
        user: 'bob"\r\nx1 DELETE INBOX\r\nx2 LOGIN "bob',
        password: "pw",
      });
      expect(
        lines.some((l) => /DELETE INBOX/.test(l)),
        lines.join("\n"),
      ).toBe(false);
      // LOGIN cannot quote a line break: the probe falls back to AUTHENTICATE PLAIN (base64), or refuses.
      expect(lines.filter((l) => /^\S+ LOGIN\b/i.test(l))).toEqual([]);
      if (result.failure) expect(result.failure.code).toBe("PROTOCOL_ARGUMENT_REFUSED");
    } finally {
      await server.close();
    }
  });

  it("SMTP: a stored sender address with CR/LF adds no RCPT TO", async () => {
    const { lines, server } = await recordingServer("220 smtp ready", (line) =>
      /^EHLO/i.test(line) ? "250-hello\r\n250 8BITMIME" : /^QUIT/i.test(line) ? "221 bye" : "250 ok",
    );
    try {
      const result = await probe({
        protocol: "smtp",
        port: server.port,
        from: "contact@exemple.fr>\r\nRCPT TO:<victime@exemple.fr",
        to: "essai@exemple.fr",
      });
      expect(
        lines.some((l) => l.includes("victime@exemple.fr")),
        lines.join("\n"),
      ).toBe(false);
      expect(result.failure?.code).toBe("PROTOCOL_ARGUMENT_REFUSED");
      expect(result.failure?.step).toBe("mail_from");
    } finally {
      await server.close();
    }
  });
});

describe("the CLI refuses the same values (facteur servers add / departments add / apikeys create)", () => {
  it("exits with a usage error naming the field and stores nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "facteur-inject-cli-"));
    const env = { FACTEUR_DATA_DIR: dir, FACTEUR_LANG: "en" };
    try {
      expect(runCli(["migrate"], env).status).toBe(EXIT.OK);
      const add = (senderName: string) =>
        runCli(
          [
            "servers",
            "add",
            ...["--title", "Ventes", "--host", "smtp.exemple.fr", "--port", "587", "--auth", "password"],
            ...["--security", "starttls", "--mail", "ventes@exemple.fr", "--sender-name", senderName],
            ...["--username", "ventes@exemple.fr", "--json"],
          ],
          env,
          "Cl1!Secret-Stdin\n",
        );
      for (const name of [INJECTED, "Ventes\u2028Bcc: x@exemple.fr", "Ventes\u0085"]) {
        const refused = add(name);
        expect(refused.status, refused.stderr).toBe(EXIT.USAGE);
        expect(refused.stderr).toContain("senderName: Line breaks and control characters are not allowed");
      }
      const key = runCli(["apikeys", "create", "cle\r\nx"], env);
      expect(key.status, key.stderr).toBe(EXIT.USAGE);
      const listed = JSON.parse(runCli(["servers", "list", "--json"], env).stdout) as { total: number };
      expect(listed.total).toBe(0);
      // The same command with a clean name works: the refusal is the control character, nothing else.
      expect(add("Service Ventes").status).toBe(EXIT.OK);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
