import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";

/** Test servers on 127.0.0.1 ephemeral ports: DNS (dns2), HTTP, and minimal IMAP/POP3/SMTP greeters. */
const require = createRequire(import.meta.url);
// dns2 ships no types; the few calls used here are typed locally.
interface Dns2Packet {
  TYPE: Record<string, number>;
  CLASS: { IN: number };
  createResponseFromRequest(request: unknown): { header: { rcode: number }; answers: unknown[] };
}
interface Dns2Server {
  listen(options: { udp: { port: number; address: string; type: "udp4" } }): Promise<void>;
  addresses(): { udp: AddressInfo };
  close(): Promise<void>;
}
const dns2 = require("dns2") as {
  Packet: Dns2Packet;
  createServer(options: {
    udp: boolean;
    handle: (
      request: { questions: Array<{ name: string; type: number }> },
      send: (r: unknown) => void,
    ) => void;
  }): Dns2Server;
};

export type DnsRecord =
  | { type: "SRV"; priority: number; weight: number; port: number; target: string }
  | { type: "MX"; priority: number; exchange: string }
  | { type: "A"; address: string };

/** A DNS server answering from `zone` (name → records); anything else is NXDOMAIN. */
export async function startDnsServer(
  zone: Record<string, DnsRecord[]>,
): Promise<{ server: string; close(): Promise<void> }> {
  const { Packet } = dns2;
  const server = dns2.createServer({
    udp: true,
    handle(request, send) {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0]!;
      const records = (zone[question.name.toLowerCase()] ?? []).filter(
        (r) => Packet.TYPE[r.type] === question.type,
      );
      if (!zone[question.name.toLowerCase()]) response.header.rcode = 3; // NXDOMAIN
      for (const record of records) {
        // The record's own `type` is the name ("SRV"); the packet needs the number, so it goes last.
        response.answers.push({
          ...record,
          name: question.name,
          type: Packet.TYPE[record.type],
          class: Packet.CLASS.IN,
          ttl: 60,
        });
      }
      send(response);
    },
  });
  await server.listen({ udp: { port: 0, address: "127.0.0.1", type: "udp4" } });
  return { server: `127.0.0.1:${server.addresses().udp.port}`, close: () => server.close() };
}

export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

export async function startHttpServer(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createHttpServer(handler);
  const port = await listen(server);
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Accepts connections and never says a word (a firewall that drops, or a hung server). */
export async function startSilentServer() {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on("error", () => {});
  });
  const port = await listen(server);
  return {
    port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

type Protocol = "imap" | "pop3" | "smtp";
const GREETING: Record<Protocol, string> = {
  imap: "* OK IMAP4rev1 ready\r\n",
  pop3: "+OK POP3 ready\r\n",
  smtp: "220 mail.test ESMTP\r\n",
};

function converse(socket: Socket, protocol: Protocol, starttls: boolean) {
  socket.on("error", () => {});
  socket.write(GREETING[protocol]);
  socket.on("data", (data) => {
    const line = data.toString().trim();
    if (/^a1 CAPABILITY/i.test(line))
      socket.write(`* CAPABILITY IMAP4rev1${starttls ? " STARTTLS" : ""}\r\na1 OK done\r\n`);
    else if (/^CAPA/i.test(line)) socket.write(`+OK\r\nUSER\r\n${starttls ? "STLS\r\n" : ""}.\r\n`);
    else if (/^EHLO/i.test(line))
      socket.write(`250-mail.test\r\n${starttls ? "250-STARTTLS\r\n" : ""}250 AUTH PLAIN\r\n`);
    else socket.end(protocol === "imap" ? "* BYE\r\n" : protocol === "pop3" ? "+OK bye\r\n" : "221 bye\r\n");
  });
}

/** A plain-port mail greeter that offers (or not) STARTTLS in its capabilities. */
export async function startGreeter(protocol: Protocol, options: { starttls: boolean }) {
  const server = createNetServer((s) => converse(s, protocol, options.starttls));
  const port = await listen(server);
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A self-signed certificate made with openssl for implicit-TLS greeters. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "facteur-cert-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=mail.test",
        "-keyout",
        join(dir, "k.pem"),
        "-out",
        join(dir, "c.pem"),
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "k.pem"), "utf8"), cert: readFileSync(join(dir, "c.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An implicit-TLS mail greeter (993/995/465 style). */
export async function startTlsGreeter(protocol: Protocol, credentials: { key: string; cert: string }) {
  const server = createTlsServer(credentials, (s) => converse(s, protocol, false));
  const port = await listen(server as unknown as Server);
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
