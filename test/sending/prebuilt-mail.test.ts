import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataWatch, prebuiltMail, sendPrebuilt } from "../../src/sending/prebuilt-mail.js";

/**
 * Facteur hands nodemailer's pool transport a message built already (src/sending/prebuilt-mail.ts), through
 * the transport's own `send` — an internal, hence the exact pin in package.json. This test guards both: a
 * nodemailer upgrade that changes that internal fails here, before it reaches the worker.
 */
describe("prebuilt messages through nodemailer's pool transport", () => {
  let server: SMTPServer;
  let port = 0;
  const received: Array<{ from: string; to: string[]; data: string }> = [];
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("end", () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString("utf8"),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const address = server.server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("pins nodemailer to the exact version installed", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const installed = (createRequire(import.meta.url)("nodemailer/package.json") as { version: string })
      .version;
    expect(pkg.dependencies.nodemailer).toBe(installed);
  });

  it("sends the bytes as built, with the envelope given, and marks the data as started only after 354", async () => {
    const transport = nodemailer.createTransport({ pool: true, host: "127.0.0.1", port, secure: false });
    const raw = Buffer.from(
      "From: a@exemple.fr\r\nTo: b@exemple.fr\r\nSubject: prebuilt\r\nMessage-ID: <x1@exemple.fr>\r\n\r\nBonjour\r\n",
    );
    const watch = new DataWatch(raw);
    expect(watch.started).toBe(false);
    const info = await sendPrebuilt(
      transport,
      prebuiltMail(
        { from: "bounce@exemple.fr", to: ["b@exemple.fr", "c@exemple.fr"] },
        "<x1@exemple.fr>",
        watch,
      ),
    );
    transport.close();
    expect(watch.started).toBe(true);
    expect(info.accepted).toEqual(["b@exemple.fr", "c@exemple.fr"]);
    expect(info.messageId).toBe("<x1@exemple.fr>");
    expect(received).toHaveLength(1);
    expect(received[0]?.from).toBe("bounce@exemple.fr");
    expect(received[0]?.to).toEqual(["b@exemple.fr", "c@exemple.fr"]);
    expect(received[0]?.data).toBe(raw.toString("utf8"));
  });

  it("refuses at once on a closed pool instead of never calling back", async () => {
    const transport = nodemailer.createTransport({ pool: true, host: "127.0.0.1", port, secure: false });
    transport.close();
    const watch = new DataWatch(Buffer.from("Subject: x\r\n\r\nx\r\n"));
    await expect(
      sendPrebuilt(
        transport,
        prebuiltMail({ from: "a@exemple.fr", to: ["b@exemple.fr"] }, "<x2@exemple.fr>", watch),
      ),
    ).rejects.toMatchObject({ code: "ECONNECTION" });
    expect(watch.started).toBe(false);
  });
});
