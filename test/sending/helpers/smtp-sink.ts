import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  parsed: ParsedMail;
}

export interface SinkBehaviour {
  /** Reply to the end of DATA: return an error code to refuse (e.g. 451, 550), undefined to accept. */
  onMessage?(index: number, raw: Buffer): { code: number; message: string } | undefined;
  /** Refuse a recipient with this code. */
  onRcpt?(address: string): { code: number; message: string } | undefined;
  /** Drop the connection after reading the content, without replying (an ambiguous failure). */
  dropAfterData?(index: number): boolean;
  /** Accepts AUTH with these credentials (auth optional when undefined). */
  credentials?: { user: string; pass: string };
  /** Waits this long before answering the end of DATA (a slow server; shows how many sends overlap). */
  replyDelayMs?: number;
}

/** A real SMTP server on 127.0.0.1 and an ephemeral port that keeps what it receives. */
export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  /** Messages whose content was read, accepted or not. */
  dataCount: number;
  /** The most transactions that were between DATA and the server's reply at the same time. */
  maxOverlap: number;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpSink(behaviour: SinkBehaviour = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  let overlap = 0;
  const sink: SmtpSink = {
    port: 0,
    received,
    dataCount: 0,
    maxOverlap: 0,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} mails, got ${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return received;
    },
    close: async () => {},
  };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: behaviour.credentials ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !behaviour.credentials,
    allowInsecureAuth: true,
    logger: false,
    size: 50 * 1024 * 1024,
    onAuth(auth, _session, callback) {
      const ok =
        auth.username === behaviour.credentials?.user && auth.password === behaviour.credentials?.pass;
      callback(
        ok ? null : smtpError(535, "5.7.8 Authentication credentials invalid"),
        ok ? { user: auth.username } : undefined,
      );
    },
    onRcptTo(address, _session, callback) {
      const refusal = behaviour.onRcpt?.(address.address);
      callback(refusal ? smtpError(refusal.code, refusal.message) : undefined);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, reply) {
      overlap++;
      sink.maxOverlap = Math.max(sink.maxOverlap, overlap);
      const callback = (error?: Error | null) =>
        setTimeout(() => {
          overlap--;
          reply(error ?? undefined);
        }, behaviour.replyDelayMs ?? 0);
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const index = sink.dataCount++;
        const raw = Buffer.concat(chunks);
        if (behaviour.dropAfterData?.(index)) {
          // Destroy every open connection: the client never hears the reply to DATA.
          for (const connection of (
            server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }
          ).connections)
            connection._socket.destroy();
          overlap--;
          return;
        }
        const refusal = behaviour.onMessage?.(index, raw);
        if (refusal) return callback(smtpError(refusal.code, refusal.message));
        void simpleParser(raw).then((parsed) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            raw,
            parsed,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
