import { Readable } from "node:stream";
import type nodemailer from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool/index.js";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";

/**
 * A message handed to nodemailer's transports already built (src/sending/mime.ts), with the watch that tells
 * "the server may hold the content" (the first read of its stream, after the 354 reply to DATA).
 */

/** Marks when the message content starts flowing to the server (only after it answered 354 to DATA). */
export class DataWatch {
  started = false;
  constructor(private readonly raw: Buffer) {}

  stream(): Readable {
    const raw = this.raw;
    const markStarted = () => {
      this.started = true;
    };
    return new Readable({
      read() {
        markStarted();
        this.push(raw);
        this.push(null);
      },
    });
  }
}

/**
 * What nodemailer's SMTP transports read from a mail (`send(mail, callback)`, the interface its docs give to
 * transport plugins): our MIME is built already, so the Mailer's compile step (a MimeNode per message, a
 * second Message-ID, plugin passes) is skipped — a tenth of the worker's CPU in bench/sending.
 * nodemailer pipes `createReadStream()` into the session only after the server answered 354 to DATA, so its
 * first read is what "the server may hold the content" means.
 */
export function prebuiltMail(
  envelope: { from: string; to: string[] },
  messageId: string,
  watch: DataWatch,
): SMTPPool.MailOptions {
  const message = {
    getEnvelope: () => ({ from: envelope.from, to: [...envelope.to] }),
    messageId: () => messageId,
    getHeader: (name: string) => (name.toLowerCase() === "message-id" ? messageId : undefined),
    createReadStream: () => watch.stream(),
  };
  // The transports' `send` is typed with the Mailer's internal MailMessage; they use only the members above.
  return { data: {}, message } as unknown as SMTPPool.MailOptions;
}

type RawTransport = {
  send(mail: never, callback: (error: Error | null, info: SMTPTransport.SentMessageInfo) => void): unknown;
};

export function sendPrebuilt(
  transport: nodemailer.Transporter,
  mail: SMTPPool.MailOptions,
): Promise<SMTPTransport.SentMessageInfo> {
  return new Promise((resolve, reject) => {
    const accepted = (transport.transporter as unknown as RawTransport).send(mail as never, (error, info) =>
      error ? reject(error) : resolve(info),
    );
    // A closed pool refuses at once and never calls back.
    if (accepted === false)
      reject(
        Object.assign(new Error("SMTP connection pool closed"), { code: "ECONNECTION", command: "CONN" }),
      );
  });
}
