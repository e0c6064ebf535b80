import type { Socket } from "node:net";
import { StringDecoder } from "node:string_decoder";
import type { TLSSocket } from "node:tls";
import type { StepName, TlsDetails } from "./result.js";
import { MAX_LINE_BYTES, type ProbeTimeouts } from "./timeouts.js";
import { describeTls } from "./tls-info.js";
import type { Transcript } from "./transcript.js";
import {
  errorCode,
  HIDDEN_GREETING,
  MAIL_GREETING,
  ProbeError,
  PROTOCOL_LINE_FORBIDDEN,
  upgradeToTls,
  connectWithin,
  type SessionTarget,
  type TlsTrust,
} from "./line-session-kit.js";

export {
  HIDDEN_GREETING,
  ProbeError,
  PROTOCOL_LINE_FORBIDDEN,
  type SessionTarget,
  type TlsTrust,
} from "./line-session-kit.js";

/**
 * A line-oriented client socket (SMTP, IMAP and POP3 are all CRLF line protocols): connect with a
 * deadline, optional implicit TLS, read one line at a time with a deadline, upgrade in place (STARTTLS),
 * and write every line into the transcript. It never interprets replies: the protocol probes do.
 */
export class LineSession {
  private socket: Socket | TLSSocket;
  private decoder = new StringDecoder("utf8");
  private pending = "";
  private readonly lines: string[] = [];
  private waiter: (() => void) | null = null;
  private closed = false;
  private lastError: Error | undefined;
  private secure = false;
  private greeted = false;
  private notMail = false;
  /** Set during an AUTH exchange: replies are recorded as code + fixed text only (secrets/auth-reply.ts). */
  private authSummary: ((line: string) => string) | null = null;
  tls: TlsDetails | null = null;

  private constructor(
    socket: Socket,
    private readonly target: SessionTarget,
    private readonly transcript: Transcript,
    private readonly trust: TlsTrust,
    private readonly timeouts: ProbeTimeouts,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Opens the TCP connection (step `connect`), then the TLS handshake when `implicitTls` (step `tls`). */
  static async open(
    target: SessionTarget,
    options: { implicitTls: boolean; transcript: Transcript; trust: TlsTrust; timeouts: ProbeTimeouts },
    onStep: (name: StepName, ok: boolean, ms: number, detail?: string) => void,
  ): Promise<LineSession> {
    const { transcript, timeouts } = options;
    transcript.info(`Trying ${target.address}:${target.port}…`);
    let started = performance.now();
    const socket = await connectWithin(target, timeouts.connectMs).catch((error: unknown) => {
      onStep("connect", false, Math.round(performance.now() - started), (error as Error).message);
      throw error;
    });
    onStep("connect", true, Math.round(performance.now() - started), `${target.address}:${target.port}`);
    transcript.info(`Connected to ${target.host} (${target.address}:${target.port}).`);
    const session = new LineSession(socket, target, transcript, options.trust, timeouts);
    if (options.implicitTls) {
      started = performance.now();
      try {
        await session.handshake("implicit", timeouts.connectMs, "tls");
        onStep(
          "tls",
          true,
          Math.round(performance.now() - started),
          `${session.tls?.version} ${session.tls?.cipher}`,
        );
      } catch (error) {
        onStep("tls", false, Math.round(performance.now() - started), (error as Error).message);
        session.close();
        throw error;
      }
    }
    return session;
  }

  get isSecure(): boolean {
    return this.secure;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (error) => {
      this.lastError = error;
    });
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  private onData(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline = this.pending.indexOf("\n");
    while (newline !== -1) {
      const line = this.pending.slice(0, newline).replace(/\r$/, "");
      this.pending = this.pending.slice(newline + 1);
      if (!this.greeted && !MAIL_GREETING.test(line)) return this.refuseGreeting();
      this.greeted = true;
      this.transcript.add("recv", this.authSummary ? this.authSummary(line) : line, this.secure);
      this.lines.push(line);
      newline = this.pending.indexOf("\n");
    }
    if (this.pending.length > MAX_LINE_BYTES) {
      this.lastError = new Error(`line longer than ${MAX_LINE_BYTES} bytes`);
      this.socket.destroy();
    }
    this.wake();
  }

  /** The first line is not a mail greeting: drop it and everything after, unread, and hang up. */
  private refuseGreeting(): void {
    this.notMail = true;
    this.pending = "";
    this.transcript.add("recv", HIDDEN_GREETING, this.secure);
    this.close();
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  /** Next line from the server, or a ProbeError (timeout or closed connection) attributed to `step`. */
  async readLine(step: StepName, timeoutMs: number, command?: string): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.notMail)
        throw new ProbeError({
          step,
          code: "NOT_MAIL_SERVER",
          message: "not a mail server greeting (not shown)",
        });
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.closed) {
        const code = errorCode(this.lastError) ?? "ECONNRESET";
        throw new ProbeError({
          step,
          errorCode: code === "ECONNRESET" || code === "EPIPE" ? "ECONNRESET" : code,
          ...(command ? { command } : {}),
          message: this.lastError?.message ?? "connection closed by the server",
        });
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new ProbeError({
          step,
          errorCode: "ETIMEDOUT",
          ...(command ? { command } : {}),
          message: `no reply within ${timeoutMs} ms`,
        });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * Runs an AUTH exchange: every line received meanwhile is recorded in the transcript through `summary`
   * (reply code, enhanced code, fixed text), never as the server's own words, which may repeat the secret.
   */
  async authExchange<T>(summary: (line: string) => string, action: () => Promise<T>): Promise<T> {
    this.authSummary = summary;
    const value = await action();
    // Only a completed exchange ends it: after a failure the session is closed, nothing more is shown raw.
    this.authSummary = null;
    return value;
  }

  /** Sends one command line; `display` is what the transcript shows instead (redacted credentials). */
  send(line: string, display?: string): void {
    // One command, one line: a CR, LF or NUL inside it (a user name like `bob\r\nSET x`, stored before the
    // schemas refused it) would add commands of the caller's choosing. Refused before anything is written.
    if (PROTOCOL_LINE_FORBIDDEN.test(line))
      throw new ProbeError({
        step: /\bMAIL FROM\b/i.test(line)
          ? "mail_from"
          : /\bRCPT TO\b/i.test(line)
            ? "rcpt_to"
            : /^(EHLO|HELO)\b/i.test(line)
              ? "ehlo"
              : "auth",
        code: "PROTOCOL_ARGUMENT_REFUSED",
        command: display ?? line.split(" ", 1)[0]!,
        message: "command argument holds a line break or NUL",
      });
    this.transcript.add("send", line, this.secure, display);
    if (!this.closed) this.socket.write(`${line}\r\n`);
  }

  /** Upgrades the connection after a positive STARTTLS/STLS reply (RFC 3207, RFC 2595). */
  async startTls(step: StepName): Promise<TlsDetails> {
    // RFC 3207 §4.2 / imapflow's STARTTLS_INJECTION check: bytes received after the go-ahead and before
    // the handshake were not protected; drop them rather than treat them as replies.
    if (this.lines.length > 0 || this.pending.length > 0) {
      this.transcript.add(
        "error",
        "Data received before the TLS handshake was ignored (possible injection).",
        false,
      );
      this.lines.length = 0;
      this.pending = "";
    }
    await this.handshake("starttls", this.timeouts.commandMs, step);
    return this.tls!;
  }

  private async handshake(mode: TlsDetails["mode"], timeoutMs: number, step: StepName): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners("data");
    plain.removeAllListeners("close");
    const { host } = this.target;
    const secured = await upgradeToTls(plain, host, this.trust, timeoutMs, step);
    this.socket = secured;
    this.secure = true;
    this.decoder = new StringDecoder("utf8");
    this.closed = false;
    this.attach(secured);
    this.tls = describeTls(secured, mode);
    const { tls } = this;
    this.transcript.info(`TLS started: ${tls.version} ${tls.cipher}`, true);
    if (tls.certificate)
      this.transcript.info(`Certificate: ${tls.certificate.subject}, issuer ${tls.certificate.issuer}`, true);
    if (!tls.authorized) {
      if (!this.trust.acceptInvalidCertificate) {
        throw new ProbeError(
          {
            step,
            errorCode: tls.authorizationError ?? "CERT_INVALID",
            message: `certificate not trusted: ${tls.authorizationError}`,
          },
          tls,
        );
      }
      this.transcript.add(
        "error",
        `Certificate not trusted (${tls.authorizationError}); continuing as asked.`,
        true,
      );
    }
  }

  /** Closes the connection now (after QUIT, or on failure). */
  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}
