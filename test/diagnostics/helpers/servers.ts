import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

/** A node smtp-server on 127.0.0.1, on an ephemeral port. */
export async function startSmtpServer(options: SMTPServerOptions): Promise<RunningServer> {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true, ...options });
  // Probes hang up mid-handshake on purpose; smtp-server reports that as an 'error' event.
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A raw TCP server for misbehaviour smtp-server cannot produce (silence, tarpit, hang-ups). */
export async function startRawServer(onConnection: (socket: Socket) => void): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound then released). */
export async function closedPort(): Promise<number> {
  const server = await startRawServer(() => undefined);
  await server.close();
  return server.port;
}

/** Reads CRLF lines from a raw socket. */
export function onLines(socket: Socket, handle: (line: string) => void): void {
  let buffer = "";
  socket.on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    let index = buffer.indexOf("\n");
    while (index !== -1) {
      handle(buffer.slice(0, index).replace(/\r$/, ""));
      buffer = buffer.slice(index + 1);
      index = buffer.indexOf("\n");
    }
  });
}
