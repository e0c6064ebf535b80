import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { expectFailure, probe } from "./helpers/probe.js";
import { onLines, startRawServer, type RunningServer } from "./helpers/servers.js";

const servers: RunningServer[] = [];

async function raw(onConnection: (socket: Socket) => void): Promise<number> {
  const server = await startRawServer(onConnection);
  servers.push(server);
  return server.port;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** IMAP server that answers CAPABILITY with the given atoms and every other tagged command with `reply`. */
function imapServer(capabilities: string, reply: (tag: string, command: string) => string) {
  return (socket: Socket) => {
    socket.write("* OK IMAP ready\r\n");
    onLines(socket, (line) => {
      const [tag = "*", command = ""] = line.split(" ");
      if (/^CAPABILITY$/i.test(command)) socket.write(`* CAPABILITY ${capabilities}\r\n${tag} OK done\r\n`);
      else socket.write(`${reply(tag, command.toUpperCase())}\r\n`);
    });
  };
}

describe("IMAP and POP3 failures from misbehaving servers", () => {
  it("explains IMAP LOGINDISABLED before TLS as encryption required, without sending the password", async () => {
    const port = await raw(imapServer("IMAP4rev1 STARTTLS LOGINDISABLED", (tag) => `${tag} BAD unexpected`));
    const result = await probe({
      protocol: "imap",
      port,
      security: "none",
      user: "u",
      password: "Secret-Imap-1",
      tryAlternatives: false,
    });
    expectFailure(result, "TLS_REQUIRED_FOR_AUTH", "Secret-Imap-1");
    expect(result.transcript.some((e) => e.dir === "send" && /LOGIN/.test(e.text))).toBe(false);
  });

  it("explains IMAP [PRIVACYREQUIRED] as encryption required", async () => {
    const port = await raw(
      imapServer("IMAP4rev1 AUTH=PLAIN", (tag, command) =>
        command === "LOGIN"
          ? `${tag} NO [PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.`
          : `${tag} OK`,
      ),
    );
    const result = await probe({
      protocol: "imap",
      port,
      security: "none",
      user: "u",
      password: "Secret-Imap-2",
      tryAlternatives: false,
    });
    expectFailure(result, "TLS_REQUIRED_FOR_AUTH", "Secret-Imap-2");
  });

  it("explains an IMAP greeting of * BYE as a refusal", async () => {
    const port = await raw((socket) => socket.end("* BYE Too many connections from your IP\r\n"));
    const result = await probe({ protocol: "imap", port, security: "none", tryAlternatives: false });
    expectFailure(result, "GREETING_REJECTED");
  });

  it("explains IMAP STARTTLS not offered", async () => {
    const port = await raw(imapServer("IMAP4rev1 AUTH=PLAIN", (tag) => `${tag} OK`));
    const result = await probe({ protocol: "imap", port, security: "starttls", tryAlternatives: false });
    expectFailure(result, "STARTTLS_NOT_OFFERED");
  });

  it("explains POP3 -ERR [IN-USE] as a mailbox locked by another client", async () => {
    const port = await raw((socket) => {
      socket.write("+OK POP3 ready\r\n");
      onLines(socket, (line) => {
        if (/^CAPA/i.test(line)) socket.write("+OK\r\nUSER\r\nRESP-CODES\r\n.\r\n");
        else if (/^USER/i.test(line)) socket.write("+OK\r\n");
        else if (/^PASS/i.test(line))
          socket.write("-ERR [IN-USE] Mailbox is locked by another POP3 session\r\n");
        else socket.write("+OK\r\n");
      });
    });
    const result = await probe({
      protocol: "pop3",
      port,
      security: "none",
      user: "u",
      password: "Secret-Pop-1",
      tryAlternatives: false,
    });
    expectFailure(result, "MAILBOX_IN_USE", "Secret-Pop-1");
    expect(result.failure!.temporary).toBe(true);
  });

  it("explains a POP3 -ERR greeting as a refusal, and an SMTP greeting on the POP3 port as the wrong protocol", async () => {
    const refusing = await raw((socket) => socket.end("-ERR go away\r\n"));
    expectFailure(
      await probe({ protocol: "pop3", port: refusing, tryAlternatives: false }),
      "GREETING_REJECTED",
    );
    const smtp = await raw((socket) => socket.write("220 mail.example ESMTP\r\n"));
    expectFailure(await probe({ protocol: "pop3", port: smtp, tryAlternatives: false }), "WRONG_PROTOCOL");
  });
});
