import { networkInterfaces } from "node:os";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { SMTPServer } from "smtp-server";
import { loadConfig, type Config } from "../../src/config/config.js";
import { createServer } from "../../src/registry/server.service.js";
import type { AppContext } from "../../src/app/context.js";

/**
 * Listeners that count the TCP connections they accept: the target-policy tests prove a refusal by
 * "no connection reached the listener", not by an error message. On 127.0.0.1 unless `bind` says otherwise
 * ("::" to be reached on every address of the host, as a service bound to 0.0.0.0 would be).
 */
export interface CountingListener {
  port: number;
  accepted: number;
  close(): Promise<void>;
}

const closeServer = (server: Server, sockets: Set<Socket>) =>
  new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  });

/**
 * A raw TCP service that writes `greeting` on connect (IMAP `* OK`, POP3 `+OK`, a NATS `INFO {…}`…) and,
 * with `hangUp`, closes right after (the client fails at once instead of waiting out its timeouts).
 */
export async function countingRaw(
  greeting: string | null,
  hangUp = true,
  bind = "127.0.0.1",
  port = 0,
): Promise<CountingListener> {
  const sockets = new Set<Socket>();
  const listener: CountingListener = { port: 0, accepted: 0, close: async () => {} };
  const server = createTcpServer((socket) => {
    listener.accepted += 1;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    if (greeting !== null) socket.write(greeting);
    if (hangUp) socket.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, bind, resolve);
  });
  listener.port = (server.address() as AddressInfo).port;
  listener.close = () => closeServer(server, sockets);
  return listener;
}

/** A real SMTP server (smtp-server) that accepts every mail and counts connections. */
export async function countingSmtp(bind = "127.0.0.1"): Promise<CountingListener & { mails: number }> {
  const listener = { port: 0, accepted: 0, mails: 0, close: async () => {} };
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onConnect(_session, callback) {
      listener.accepted += 1;
      callback();
    },
    onData(stream, _session, callback) {
      stream.resume();
      stream.on("end", () => {
        listener.mails += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, bind, resolve));
  listener.port = (smtp.server.address() as AddressInfo).port;
  listener.close = () => new Promise<void>((resolve) => smtp.close(() => resolve()));
  return listener;
}

/**
 * Config overrides carrying the target settings of `env` (FACTEUR_TARGETS_ALLOW…), for createTestContext:
 * `{}` gives the production defaults. Built through the real loader so a renamed key fails here too.
 */
export function policyConfig(env: Record<string, string>): Partial<Config> {
  const loaded = loadConfig({ FACTEUR_LOG_LEVEL: "silent", ...env }) as Config & { targets?: unknown };
  return { targets: loaded.targets } as Partial<Config>;
}

/** A stored plain-SMTP server at host:port without authentication (what an admin or admin key can save). */
export async function storeServer(ctx: AppContext, host: string, port: number): Promise<number> {
  const { server } = await createServer(ctx, {
    title: `Cible ${host}:${port}`,
    host,
    port,
    authentication: "none",
    security: "none",
    mail: "contact@exemple.fr",
    senderName: "Exemple SARL",
    username: "contact",
    usage: { mode: "all" },
    signatureHtml: "",
    logo: null,
    priority: 100,
  } as never);
  await ctx.db
    .updateTable("smtp_servers")
    .set({ confirmed_at: ctx.now().toISOString(), confirmed_ip: "127.0.0.1" })
    .where("id", "=", server.id)
    .execute();
  return server.id;
}

/** Codes a policy refusal may carry (address, port, rate, port scan) or an input refusal before it. */
export const REFUSAL_CODES = [
  "TARGET_BLOCKED",
  "TARGET_PORT_BLOCKED",
  "TARGET_RATE_LIMITED",
  "TARGET_PORT_SCAN_LIMITED",
  "VALIDATION_FAILED",
  "TARGET_INVALID",
];

/**
 * This machine's own addresses a remote host could use to reach it (os.networkInterfaces(), neither internal
 * nor link-local): the target policy must judge each as loopback.
 */
export function hostInterfaceAddresses(): { v4: string[]; v6: string[] } {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const usable = all.filter((a) => !a.internal && !a.address.toLowerCase().startsWith("fe80:"));
  return {
    v4: usable.filter((a) => a.family === "IPv4").map((a) => a.address),
    v6: usable.filter((a) => a.family === "IPv6").map((a) => a.address),
  };
}
