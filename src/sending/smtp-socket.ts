import net from "node:net";
import type { ConnectionKind, TargetPolicy } from "../net/target-policy.js";
import type { ServerProfile } from "./compose.js";

/**
 * The TCP side of an SMTP session for nodemailer (its `getSocket` hook): opened through the target policy,
 * with the reply-size bound and the greeting check on the plain-text start.
 */

/**
 * RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets and the longest EHLO replies stay under 4 KiB.
 * nodemailer buffers a reply without limit and re-parses the whole buffer on every chunk, so a server that
 * floods reply lines would grow memory and pin the CPU until the transaction deadline.
 */
export const REPLY_MAX_BYTES = 64 * 1024;

/**
 * Destroys the socket when the server sends more than REPLY_MAX_BYTES since our last command. Counted by
 * wrapping `write`/`emit`, so the data flow nodemailer sees is unchanged. Plain-text sessions only: after
 * TLS takes over the socket, the transaction deadline is the bound.
 */
export function boundReplies(socket: net.Socket): void {
  let unanswered = 0;
  const write = socket.write;
  socket.write = function (this: net.Socket, ...args: unknown[]) {
    unanswered = 0;
    return (write as (...a: unknown[]) => boolean).apply(this, args);
  } as net.Socket["write"];
  const emit = socket.emit;
  socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    if (event === "data" && (unanswered += (args[0] as Buffer).length) > REPLY_MAX_BYTES) {
      socket.destroy(
        Object.assign(new Error(`SMTP reply over ${REPLY_MAX_BYTES} bytes`), { code: "EPROTOCOL" }),
      );
      return false;
    }
    return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
  } as net.Socket["emit"];
}

/** RFC 5321 §4.2: a server greets with 220, or 421/554 when it will not serve. Anything else is not mail. */
const SMTP_GREETING = /^(?:220|421|554)(?:[ -]|\r?$)/;
const GREETING_MAX_BYTES = 4_096; // a greeting line is at most 512 octets (RFC 5321 §4.5.3.1.5)

/**
 * Holds the first bytes until the greeting line is complete, and hangs up when it is not an SMTP greeting:
 * nodemailer would otherwise quote another service's banner (a NATS `INFO {…}`) in its error, which the
 * outbox and the confirmation answer keep. Plain-text start only (implicit TLS carries it inside TLS).
 */
export function refuseNonMailGreeting(socket: net.Socket): void {
  const held: Buffer[] = [];
  let checked = false;
  const emit = socket.emit;
  socket.emit = function (this: net.Socket, event: string | symbol, ...args: unknown[]) {
    if (event !== "data" || checked)
      return (emit as (...a: unknown[]) => boolean).apply(this, [event, ...args]);
    held.push(args[0] as Buffer);
    const buffered = Buffer.concat(held);
    const newline = buffered.indexOf(10);
    if (newline < 0 && buffered.length < GREETING_MAX_BYTES) return true;
    checked = true;
    if (newline < 0 || !SMTP_GREETING.test(buffered.subarray(0, newline).toString("latin1"))) {
      socket.destroy(
        Object.assign(new Error("not a mail server (its greeting is not shown)"), {
          code: "NOT_MAIL_SERVER",
        }),
      );
      return false;
    }
    return (emit as (...a: unknown[]) => boolean).apply(this, ["data", buffered]);
  } as net.Socket["emit"];
}

export type SocketCallback = (error: Error | null, socket?: { connection: net.Socket }) => void;

/**
 * Opens the TCP connection ourselves, through the target policy (src/net/target-policy.ts): the server's name
 * is resolved and judged there and the socket goes to the judged address, so a DNS answer that changes
 * between check and connect cannot redirect it. Nagle's algorithm is off: nodemailer writes a command or the
 * final "." in small segments and the server's delayed ACK then stalls every message by up to 40 ms (5× fewer
 * messages per second on loopback). nodemailer still does TLS (implicit or STARTTLS) on top of this socket.
 */
export function connectThroughPolicy(
  server: Pick<ServerProfile, "host" | "port" | "security">,
  policy: TargetPolicy,
  kind: ConnectionKind,
  options: { timeoutMs: number; sockets?: Set<net.Socket> },
) {
  return (_options: unknown, callback: SocketCallback): void => {
    policy.connect(kind, server.host, server.port, { noDelay: true, timeoutMs: options.timeoutMs }).then(
      ({ socket }) => {
        boundReplies(socket);
        if (server.security !== "tls") refuseNonMailGreeting(socket);
        const { sockets } = options;
        if (sockets) {
          sockets.add(socket);
          socket.once("close", () => sockets.delete(socket));
        }
        callback(null, { connection: socket });
      },
      (error: Error & { command?: string }) => {
        error.command = "CONN"; // nodemailer's convention for failures while connecting
        callback(error);
      },
    );
  };
}
