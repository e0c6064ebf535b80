import { createServer, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * Misbehaving SMTP servers on 127.0.0.1, one behaviour each, written on raw sockets so every byte (or its
 * absence) is under the test's control.
 */
export type FaultKind =
  | "reject-421-on-connect"
  | "random-451"
  | "drop-before-data"
  | "drop-after-data"
  | "byte-by-byte"
  | "never-answer"
  | "endless-multiline-greeting"
  | "endless-multiline-ehlo"
  | "megabyte-lines";

export interface FaultServer {
  kind: FaultKind;
  port: number;
  /** Messages whose content reached the end of DATA (accepted or not). */
  dataReceived: number;
  /** Messages answered 250 after DATA. */
  accepted: number;
  close(): Promise<void>;
}

export interface FaultOptions {
  /** How long a flooding server keeps sending before it gives up and closes (bounds the test). */
  floodMs: number;
  /** Bytes per second a flooding server sends. */
  floodBytesPerSecond: number;
  /** Pause between bytes for the byte-by-byte server. */
  byteDelayMs: number;
  random: () => number;
}

const RANDOM_451_MAX_PER_MESSAGE = 2;
const BYTE_BY_BYTE_LIMIT = 200; // replies longer than this are sent whole: keeps the slow server's test short

function writeSlowly(socket: Socket, text: string, delayMs: number): Promise<void> {
  if (text.length > BYTE_BY_BYTE_LIMIT) {
    socket.write(text);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let i = 0;
    const next = () => {
      if (socket.destroyed || i >= text.length) return resolve();
      socket.write(text[i++]!);
      setTimeout(next, delayMs);
    };
    next();
  });
}

/** Writes `line` repeatedly at the given rate until `floodMs` passes, then closes. */
function flood(socket: Socket, prefix: string, chunk: string, options: FaultOptions): void {
  const tickMs = 50;
  const perTick = Math.max(1, Math.floor((options.floodBytesPerSecond * tickMs) / 1000 / chunk.length));
  const end = Date.now() + options.floodMs;
  socket.write(prefix);
  const timer = setInterval(() => {
    if (socket.destroyed || Date.now() > end) {
      clearInterval(timer);
      socket.destroy();
      return;
    }
    if (socket.writableLength > options.floodBytesPerSecond) return; // the client stopped reading
    socket.write(chunk.repeat(perTick));
  }, tickMs);
  socket.once("close", () => clearInterval(timer));
}

/** A minimal SMTP dialogue; `hooks` let a fault take over at one step. */
function converse(
  socket: Socket,
  server: FaultServer,
  options: FaultOptions,
  hooks: {
    reply?: (socket: Socket, text: string) => Promise<void> | void;
    onEhlo?: () => boolean;
    onDataCommand?: () => boolean;
    onDataEnd?: (content: string) => boolean;
  } = {},
): void {
  const reply = hooks.reply ?? ((s: Socket, text: string) => void s.write(text));
  let buffer = "";
  let inData = false;
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = buffer.indexOf("\r\n.\r\n");
        if (end < 0) return;
        const content = buffer.slice(0, end);
        buffer = buffer.slice(end + 5);
        inData = false;
        server.dataReceived++;
        if (hooks.onDataEnd?.(content)) return;
        server.accepted++;
        void reply(socket, "250 2.0.0 Ok: queued\r\n");
        continue;
      }
      const eol = buffer.indexOf("\r\n");
      if (eol < 0) return;
      const line = buffer.slice(0, eol);
      buffer = buffer.slice(eol + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === "EHLO" || verb === "HELO") {
        if (hooks.onEhlo?.()) return;
        void reply(socket, "250-faults.test\r\n250 8BITMIME\r\n");
      } else if (verb === "MAIL" || verb === "RCPT" || verb === "RSET" || verb === "NOOP") {
        void reply(socket, "250 2.1.0 Ok\r\n");
      } else if (verb === "DATA") {
        if (hooks.onDataCommand?.()) return;
        inData = true;
        void reply(socket, "354 End data with <CR><LF>.<CR><LF>\r\n");
      } else if (verb === "QUIT") {
        void Promise.resolve(reply(socket, "221 2.0.0 Bye\r\n")).then(() => socket.end());
      } else {
        void reply(socket, "502 5.5.2 Command not recognised\r\n");
      }
    }
  });
}

export async function startFaultServer(kind: FaultKind, options: FaultOptions): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const refusals = new Map<string, number>(); // Message-ID → 451 answers given
  const fault: FaultServer = { kind, port: 0, dataReceived: 0, accepted: 0, close: async () => {} };
  const greeting = "220 faults.test ESMTP\r\n";
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    switch (kind) {
      case "reject-421-on-connect":
        socket.end("421 4.3.2 Service not available, closing channel\r\n");
        return;
      case "never-answer":
        socket.resume(); // read and ignore: the client waits for a greeting that never comes
        return;
      case "endless-multiline-greeting":
        flood(socket, "", "220-faults.test still greeting you\r\n", options);
        return;
      case "megabyte-lines":
        flood(socket, "220 ", "x".repeat(64 * 1024), options); // one endless line, no CRLF
        return;
      case "byte-by-byte": {
        const reply = (s: Socket, text: string) => writeSlowly(s, text, options.byteDelayMs);
        void reply(socket, greeting);
        converse(socket, fault, options, { reply });
        return;
      }
      default:
        break;
    }
    socket.write(greeting);
    converse(socket, fault, options, {
      onEhlo: () => {
        if (kind !== "endless-multiline-ehlo") return false;
        flood(socket, "", "250-FAULTS still listing extensions\r\n", options);
        return true;
      },
      onDataCommand: () => {
        if (kind !== "drop-before-data") return false;
        socket.destroy();
        return true;
      },
      onDataEnd: (content) => {
        if (kind === "drop-after-data") {
          socket.destroy(); // the content arrived; the client never hears whether it was queued
          return true;
        }
        // At random, one time in two, but never more than twice for one message: its outcome must not depend
        // on luck or on how many retries fit before it expires.
        if (kind === "random-451") {
          const id = /^Message-ID:\s*(\S+)/im.exec(content)?.[1] ?? "";
          const refused = refusals.get(id) ?? 0;
          const first = fault.dataReceived === 1; // the very first message is always refused once
          if (refused < RANDOM_451_MAX_PER_MESSAGE && (first || options.random() < 0.5)) {
            refusals.set(id, refused + 1);
            socket.write("451 4.3.0 Try again later\r\n");
            return true;
          }
        }
        return false;
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fault.port = (server.address() as AddressInfo).port;
  fault.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return fault;
}
