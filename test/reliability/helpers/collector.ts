import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";

/** Facteur stamps every outbox message with `Message-ID: <facteur.<outbox id>.<stamp>@domain>` (compose.ts). */
const OUTBOX_ID = /^Message-ID:\s*<facteur\.(\d+)\./im;

/**
 * A collecting SMTP server on 127.0.0.1 that counts deliveries per outbox id (read back from the Message-ID),
 * so a crash test can tell lost, delivered once and duplicated messages apart without parsing whole mails.
 */
export interface Collector {
  port: number;
  /** outbox id → times its content was accepted (250 after DATA). */
  deliveries: Map<number, number>;
  /** outbox id → when its first copy was accepted (ms since the epoch). */
  deliveredAt: Map<number, number>;
  /** Accepted mails, duplicates included. */
  total(): number;
  /** Mails whose Message-ID is not a Facteur one (should stay 0). */
  unknown: number;
  /** Connections that ended in a socket error (reset by a killed worker). */
  connectionErrors: number;
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const deliveries = new Map<number, number>();
  const deliveredAt = new Map<number, number>();
  let total = 0;
  const collector: Collector = {
    port: 0,
    deliveries,
    deliveredAt,
    total: () => total,
    unknown: 0,
    connectionErrors: 0,
    close: async () => {},
  };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    maxClients: 1_000,
    onData(stream: SMTPServerDataStream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const head = Buffer.concat(chunks).toString("latin1", 0, 64 * 1024);
        const match = OUTBOX_ID.exec(head);
        total++;
        if (!match) collector.unknown++;
        else {
          const id = Number(match[1]);
          deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
          if (!deliveredAt.has(id)) deliveredAt.set(id, Date.now());
        }
        callback();
      });
    },
  });
  // A killed worker resets its connections: that is the scenario, not a failure of the collector.
  server.on("error", () => {
    collector.connectionErrors++;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  collector.port = (server.server.address() as AddressInfo).port;
  collector.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return collector;
}
