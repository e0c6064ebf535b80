import { connect as netConnect, isIP, type Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { ProbeFailure, StepName, TlsDetails } from "./result.js";

/** A probe stops at the first failure; this carries what was observed up to the classifier. */
export class ProbeError extends Error {
  constructor(
    readonly failure: ProbeFailure,
    /** TLS details when the handshake completed but the certificate was refused: worth showing. */
    readonly tls: TlsDetails | null = null,
  ) {
    super(failure.message);
    this.name = "ProbeError";
  }
}

/** How far to trust the server certificate: extra CA (self-hosted servers), or accept anything (reported). */
export interface TlsTrust {
  /** PEM of extra trusted CAs, added to the system store. */
  ca?: string | Buffer;
  /** Report certificate problems as warnings and carry on (like swaks without --tls-verify). */
  acceptInvalidCertificate?: boolean;
}

export interface SessionTarget {
  /** Host name as the user typed it (normalised): checked against the certificate, sent as SNI. */
  host: string;
  /** Resolved address actually dialled. */
  address: string;
  port: number;
}

/** What a protocol line may never hold: its own terminator (CR, LF), NUL, or a Unicode line break. */
// eslint-disable-next-line no-control-regex
export const PROTOCOL_LINE_FORBIDDEN = /[\r\n\u0000\u0085\u2028\u2029]/;

/**
 * A greeting any mail protocol could send (SMTP 220/421/554, RFC 5321 §4.2; IMAP `* OK`/`PREAUTH`/`BYE`,
 * RFC 9051 §7.1; POP3 `+OK`/`-ERR`, RFC 1939 §4). Anything else is another service (NATS, Redis, SSH…):
 * its banner may describe internal infrastructure, so it is never recorded or returned.
 */
export const MAIL_GREETING = /^(?:(?:220|421|554)(?:[ -]|$)|\* (?:OK|PREAUTH|BYE)\b|\+OK\b|-ERR\b)/i;
export const HIDDEN_GREETING =
  "[greeting hidden: not a mail server / accueil masqué : pas un serveur de messagerie]";

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Starts TLS on a connected socket (implicit TLS right after connect, or after STARTTLS/STLS) within a deadline.
 * The certificate is not refused here: the caller reads the verdict (`authorized`) and reports it.
 */
export function upgradeToTls(
  plain: Socket,
  host: string,
  trust: TlsTrust,
  timeoutMs: number,
  step: StepName,
): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    // node:tls (with OpenSSL's setup, ~13 ms) is loaded on the first TLS connection, not with the CLI:
    // `facteur test smtp … --security none` never needs it.
    const socket = process.getBuiltinModule("node:tls").connect({
      socket: plain,
      host,
      // SNI carries names only (RFC 6066 §3); Node refuses an IP there.
      ...(isIP(host) ? {} : { servername: host }),
      rejectUnauthorized: false, // verified below, so a bad certificate is reported, not just refused
      ...(trust.ca ? { ca: trust.ca } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ProbeError({
          step,
          errorCode: "ETIMEDOUT",
          message: `TLS handshake timed out after ${timeoutMs} ms`,
        }),
      );
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProbeError({ step, errorCode: errorCode(error) ?? "ETLS", message: error.message }));
    });
  });
}

/** Opens the TCP connection to the address dialled, within a deadline. */
export function connectWithin(target: SessionTarget, connectMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const raw = netConnect({ host: target.address, port: target.port });
    const timer = setTimeout(() => {
      raw.destroy();
      reject(
        new ProbeError({
          step: "connect",
          errorCode: "ETIMEDOUT",
          message: `connect timed out after ${connectMs} ms`,
        }),
      );
    }, connectMs);
    raw.once("connect", () => {
      clearTimeout(timer);
      resolve(raw);
    });
    raw.once("error", (error) => {
      clearTimeout(timer);
      reject(
        new ProbeError({
          step: "connect",
          errorCode: errorCode(error) ?? "ECONNECTION",
          message: error.message,
        }),
      );
    });
  });
}
