import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOneOffTransport, sendThrough } from "../../src/sending/transport-pool.js";
import type { OutboxMessage, ServerProfile } from "../../src/sending/compose.js";
import { loopbackTargets } from "../helpers/targets.js";

const openSockets = new Set<import("node:net").Socket>();

/** A server that greets, then answers EHLO with reply lines that never end (`chunk` every 5 ms). */
function startFloodingServer(chunk = "250-still talking\r\n"): Promise<Server> {
  const server = createServer((socket) => {
    openSockets.add(socket);
    socket.on("error", () => {});
    socket.write("220 flood.test ESMTP\r\n");
    let timer: NodeJS.Timeout | undefined;
    socket.once("data", () => {
      timer = setInterval(() => socket.write(chunk), 5);
    });
    socket.on("close", () => clearInterval(timer));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("SMTP transaction deadline", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startFloodingServer();
  });
  afterAll(async () => {
    for (const socket of openSockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function profileFor(target: Server): ServerProfile {
    return {
      id: 1,
      version: 1,
      host: "127.0.0.1",
      port: (target.address() as AddressInfo).port,
      security: "none",
      authentication: "none",
      username: "x",
      password: null,
      mail: "from@exemple.fr",
      senderName: "Test",
      signatureHtml: "",
      logo: null,
    };
  }
  const message: OutboxMessage = {
    id: 1,
    createdAt: new Date().toISOString(),
    from: null,
    fromName: null,
    replyTo: null,
    to: [{ address: "to@exemple.fr" }],
    cc: [],
    bcc: [],
    subject: "deadline",
    text: "hello",
    html: null,
    attachments: [],
  } as unknown as OutboxMessage;

  it("ends a send whose server never finishes its reply, as a temporary failure before DATA", async () => {
    const profile = profileFor(server);
    let gaveUp = false;
    const transport = createOneOffTransport(loopbackTargets(), profile);
    const result = await sendThrough(transport, message, profile, {
      deadlineMs: 1_500,
      onDeadline: () => {
        gaveUp = true;
        transport.close();
      },
    });
    expect(gaveUp).toBe(true);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.outcome).toBe("temporary");
      expect(result.mayHaveBeenAccepted).toBe(false);
      expect(result.errorCode).toBe("ETIMEDOUT");
    }
  });

  it("cuts a server that floods reply bytes long before the deadline", async () => {
    const flood = await startFloodingServer(`250-${"x".repeat(16_000)}\r\n`);
    try {
      const profile = profileFor(flood);
      const transport = createOneOffTransport(loopbackTargets(), profile);
      const result = await sendThrough(transport, message, profile, { deadlineMs: 60_000 });
      transport.close();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        // nodemailer reports socket errors as ESOCKET; the message says which bound tripped.
        expect(result.response).toContain("SMTP reply over");
        expect(result.outcome).toBe("temporary");
        expect(result.mayHaveBeenAccepted).toBe(false);
      }
    } finally {
      for (const socket of openSockets) socket.destroy();
      await new Promise<void>((resolve) => flood.close(() => resolve()));
    }
  });
});
