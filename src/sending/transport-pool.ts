import net from "node:net";
import nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { Logger } from "pino";
import type { AppContext } from "../app/context.js";
import { targetPolicy } from "../net/target-policy.js";
import { getServerWithSecret } from "../registry/server.service.js";
import { secretRedactor, type Redactor } from "../secrets/redact.js";
import { buildRawMessage, composeMail, type OutboxMessage, type ServerProfile } from "./compose.js";
import { classifySendError, type SendFailure } from "./delivery-policy.js";
import { poolLogger } from "./pool-log.js";
import { DataWatch, prebuiltMail, sendPrebuilt } from "./prebuilt-mail.js";
import { connectThroughPolicy } from "./smtp-socket.js";

export const CONNECTION_TIMEOUT_MS = 30_000; // TCP + TLS; RFC 5321 §4.5.3.2 allows minutes, users wait less
export const GREETING_TIMEOUT_MS = 30_000; // slow greeters (tarpits) answer within seconds in practice
export const SOCKET_TIMEOUT_MS = 60_000; // idle time inside a session, incl. waiting for the reply to DATA
/**
 * A whole SMTP transaction, however busy the server keeps the socket: the socket timeout only measures
 * silence, so a server dripping or flooding endless reply lines would otherwise hold a send (and a worker
 * slot) forever. Kept under the claim TTL (5 min) so no other worker claims a message still in flight.
 */
export const SEND_DEADLINE_MS = 3 * 60_000;
const MAX_MESSAGES_PER_CONNECTION = 500; // recycle connections: some servers cap messages per session

export interface PoolOptions {
  maxConnections: number;
  /** Messages per second per server (0 = unlimited). */
  ratePerSecond: number;
  /** Where pool events go (pool-log.ts); the context's logger by default. */
  log?: Logger;
}

export type SendResult =
  | { ok: true; response: string | null; rejected: string[]; messageId: string }
  | ({ ok: false } & SendFailure);

function transportOptions(
  server: ServerProfile,
  connect: ReturnType<typeof connectThroughPolicy>,
): SMTPTransport.Options {
  const authenticated = server.authentication !== "none";
  return {
    getSocket: connect,
    host: server.host,
    port: server.port,
    secure: server.security === "tls",
    requireTLS: server.security === "starttls",
    ignoreTLS: server.security === "none",
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: GREETING_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    tls: { servername: server.host },
    ...(authenticated
      ? {
          auth:
            server.authentication === "oauth2"
              ? { type: "OAuth2" as const, user: server.username, accessToken: server.password ?? "" }
              : {
                  user: server.username,
                  pass: server.password ?? "",
                  ...(server.authentication === "encrypted_password" ? { method: "CRAM-MD5" } : {}),
                },
        }
      : {}),
  };
}

/** Loads a server's sending profile (decrypted password included: kept in memory only). */
export async function loadServerProfile(ctx: AppContext, serverId: number): Promise<ServerProfile> {
  const { server, password, logo } = await getServerWithSecret(ctx, serverId);
  return {
    id: server.id,
    version: server.version,
    host: server.host,
    port: server.port,
    security: server.security,
    authentication: server.authentication,
    username: server.username,
    password,
    mail: server.mail,
    senderName: server.senderName,
    signatureHtml: server.signatureHtml,
    logo,
  };
}

const redactors = new WeakMap<object, Redactor>();

/** The server's reply text without its password, in any encoding (see secrets/redact.ts). */
function redactSecrets(server: Pick<ServerProfile, "username" | "password">, text: string): string {
  let redact = redactors.get(server); // one compiled redactor per loaded profile, not one per message
  if (!redact) {
    redact = secretRedactor({ user: server.username, password: server.password });
    redactors.set(server, redact);
  }
  return redact(text);
}

/**
 * Sends one message through one transport and classifies the outcome. The line between "safe to try
 * elsewhere" and "may have been accepted" is drawn by our own watch on the content stream: nodemailer's error
 * fields cannot draw it (socket errors all say command CONN, whatever the stage).
 */
export async function sendThrough(
  transport: nodemailer.Transporter,
  message: OutboxMessage,
  server: ServerProfile,
  options: { deadlineMs?: number; onDeadline?: () => void } = {},
): Promise<SendResult> {
  let watch: DataWatch | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    // Inside the try: an address that cannot go into a header (mime.ts headerAddress) fails this message.
    const composed = composeMail(message, server);
    watch = new DataWatch(buildRawMessage(composed));
    const sending = sendPrebuilt(transport, prebuiltMail(composed.envelope, composed.messageId, watch));
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        // Give up on this transport: its connections are closed so the stuck session ends too.
        sending.catch(() => {});
        options.onDeadline?.();
        reject(
          Object.assign(
            new Error(`SMTP transaction still running after ${options.deadlineMs ?? SEND_DEADLINE_MS} ms`),
            {
              code: "ETIMEDOUT",
              command: "CONN",
            },
          ),
        );
      }, options.deadlineMs ?? SEND_DEADLINE_MS);
    });
    const info = await Promise.race([sending, deadline]);
    const rejected = (info.rejected ?? []).map((r) => (typeof r === "string" ? r : r.address));
    if (info.accepted.length === 0) {
      return {
        ok: false,
        outcome: "permanent",
        mayHaveBeenAccepted: false,
        stage: "RCPT TO",
        errorCode: "EENVELOPE",
        responseCode: null,
        response: `all recipients rejected: ${rejected.join(", ")}`,
      };
    }
    const response = info.response === undefined ? null : redactSecrets(server, info.response);
    return { ok: true, response, rejected, messageId: composed.messageId };
  } catch (error) {
    const failure = classifySendError(error, watch?.started ?? false);
    // A server may echo the AUTH data in its reply: scrubbed by value before it is stored, returned or logged.
    return { ok: false, ...failure, response: failure.response && redactSecrets(server, failure.response) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One pooled nodemailer transport per server (connection reuse, per-server connection cap and rate), rebuilt
 * when the server's settings change (its version moves).
 */
export class TransportPool {
  // Promises, not transports: concurrent sends for a server share one pool instead of racing to build two.
  private readonly entries = new Map<number, { version: number; ready: Promise<PooledServer> }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly options: PoolOptions,
  ) {}

  get(serverId: number, version: number): Promise<PooledServer> {
    const cached = this.entries.get(serverId);
    if (cached && cached.version === version) return cached.ready;
    if (cached)
      void cached.ready.then(
        (entry) => entry.transport.close(),
        () => {},
      );
    const ready = this.open(serverId);
    ready.catch(() => this.entries.delete(serverId));
    this.entries.set(serverId, { version, ready });
    return ready;
  }

  private async open(serverId: number): Promise<PooledServer> {
    const profile = await loadServerProfile(this.ctx, serverId);
    const rate =
      this.options.ratePerSecond > 0 ? { rateDelta: 1_000, rateLimit: this.options.ratePerSecond } : {};
    const sockets = new Set<net.Socket>();
    const poolOptions: SMTPPool.Options = {
      ...transportOptions(
        profile,
        connectThroughPolicy(profile, targetPolicy(this.ctx), "sending", {
          timeoutMs: CONNECTION_TIMEOUT_MS,
          sockets,
        }),
      ),
      pool: true,
      maxConnections: this.options.maxConnections,
      maxMessages: MAX_MESSAGES_PER_CONNECTION,
      ...rate,
    };
    const logger = poolLogger((this.options.log ?? this.ctx.logger).child({ serverId }));
    if (logger) poolOptions.logger = logger;
    return { profile, transport: nodemailer.createTransport(poolOptions), sockets };
  }

  /** Drops a server's transport (stuck session): the next send for it opens a fresh pool. */
  discard(serverId: number, pooled: PooledServer): void {
    const entry = this.entries.get(serverId);
    if (entry) {
      void entry.ready.then(
        (e) => {
          if (e === pooled && this.entries.get(serverId) === entry) this.entries.delete(serverId);
        },
        () => {},
      );
    }
    pooled.transport.close();
    // close() only ends our side; a server still writing would keep nodemailer parsing: cut the sockets.
    for (const socket of pooled.sockets) socket.destroy();
  }

  /** Closes every connection (graceful stop). */
  close(): void {
    for (const entry of this.entries.values())
      void entry.ready.then(
        (e) => e.transport.close(),
        () => {},
      );
    this.entries.clear();
  }
}

export interface PooledServer {
  profile: ServerProfile;
  transport: nodemailer.Transporter;
  /** The pool's open sockets, destroyed when a stuck session makes us discard the transport. */
  sockets: Set<net.Socket>;
}

/** A one-off, unpooled transport: confirmation mails test the settings exactly as saved, on a fresh session. */
export function createOneOffTransport(
  ctx: Pick<AppContext, "config">,
  server: ServerProfile,
): nodemailer.Transporter {
  return nodemailer.createTransport(
    transportOptions(
      server,
      connectThroughPolicy(server, targetPolicy(ctx), "confirmation", { timeoutMs: CONNECTION_TIMEOUT_MS }),
    ),
  );
}
