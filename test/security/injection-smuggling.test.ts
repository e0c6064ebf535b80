import { createConnection, createServer, type AddressInfo, type Server } from "node:net";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildMime } from "../../src/sending/mime.js";
import { OutboxWorker } from "../../src/sending/worker.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { addServer } from "../sending/helpers/fixtures.js";
import { startSmtpSink, type SmtpSink } from "../sending/helpers/smtp-sink.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";

/**
 * Red-team finding 6: SMTP smuggling through a message body. A bare CR (or bare LF) went out unchanged in a
 * 7bit part, so `line1\r.\r\nMAIL FROM:…` reached the relay with a `\r.\r\n` that nodemailer does not
 * dot-stuff (it stuffs after LF only): a relay reading a bare CR as a line end ends DATA there and runs the
 * smuggled commands inside the organisation's authenticated session. Every body line break must leave as
 * CRLF, so the only `.` line on the wire is the DATA terminator, whatever parser the relay uses.
 */
const BARE = /\r(?!\n)|(?<!\r)\n/;

const SMUGGLE =
  "MAIL FROM:<ceo@bank.example>\r\nRCPT TO:<victime@exemple.fr>\r\nDATA\r\nFrom: ceo@bank.example\r\n\r\nsmuggled\r\n.\r\n";
const BODIES = [
  `line1\r.\r\n${SMUGGLE}`, // <CR>.<CR><LF>
  `line1\r.\r${SMUGGLE}`, // <CR>.<CR>
  `line1\n.\n${SMUGGLE}`, // <LF>.<LF>
  `line1\r\n.\r${SMUGGLE}`, // <CR><LF>.<CR>
  `line1\n.\r\n${SMUGGLE}`, // <LF>.<CR><LF>
  `line1\r\n.\n${SMUGGLE}`, // <CR><LF>.<LF>
];

describe("bodies leave with CRLF line breaks only (property over the MIME writer)", () => {
  const piece = fc.constantFrom(
    "\r",
    "\n",
    "\r\n",
    "\n\r",
    ".",
    "..",
    " ",
    "MAIL FROM:<a@b.c>",
    "é",
    "=",
    "x",
  );
  const body = fc
    .array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 40 })
    .map((p) => p.join(""));

  it("never writes a bare CR or a bare LF, in text or HTML, 7bit or quoted-printable", () => {
    fc.assert(
      fc.property(body, fc.option(body, { nil: undefined }), (text, html) => {
        const raw = buildMime({
          from: { address: "ventes@exemple.fr", name: "Ventes" },
          to: [{ address: "client@exemple.fr" }],
          cc: [],
          subject: "Facture",
          messageId: "<1@exemple.fr>",
          date: new Date(0),
          text,
          html,
          inline: [],
          attachments: [],
        }).toString("latin1");
        expect(BARE.exec(raw), JSON.stringify(raw)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});

/** A TCP relay in front of the SMTP server that keeps every byte the client (Facteur) wrote. */
async function recordingProxy(
  targetPort: number,
): Promise<{ port: number; wire: () => string; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    client.on("data", (c: Buffer) => chunks.push(c));
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    wire: () => Buffer.concat(chunks).toString("latin1"),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(STORE_KINDS)("SMTP smuggling through a message body, end to end (%s)", (kind) => {
  let t: TestContext;
  let http: SignedInApp;
  let sink: SmtpSink;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  beforeEach(async () => {
    t = await createIsolatedTestContext(kind);
    http = await signedInApp(t.ctx);
    sink = await startSmtpSink();
    proxy = await recordingProxy(sink.port);
    await addServer(t.ctx, {
      port: proxy.port,
      mail: "contact@exemple.fr",
      // The signature is a body too: a bare CR there must not survive either.
      signatureHtml: "<p>Exemple SARL</p>\r.\r<p>01 23 45 67 89</p>",
    });
  });
  afterEach(async () => {
    await http.app.close();
    await proxy.close();
    await sink.close();
    await t.dispose();
  });

  it.each(BODIES.map((b, i) => [i, b] as const))(
    "body %i: one message, no bare CR/LF on the wire, the only '.' line ends DATA, no command after it",
    async (_i, text) => {
      const queued = await http.request("POST", "/api/v1/messages", {
        to: "client@exemple.fr",
        subject: "Facture",
        text,
        html: `<p>${text}</p>`,
      });
      expect(queued.statusCode, queued.body).toBe(202);
      const worker = new OutboxWorker(t.ctx, { backoffBaseMs: 0 });
      await worker.drain();
      worker.close();
      const [mail] = await sink.waitFor(1);
      const wire = proxy.wire();
      // What Facteur wrote: CRLF line ends only, so no relay can read a line end that others do not.
      expect(BARE.exec(wire), JSON.stringify(wire)).toBeNull();
      // A lenient relay (any of CR, LF, CRLF ends a line) sees one lone '.', the terminator, and no command
      // after it: the body's `MAIL FROM:` lines stay inside DATA (dot-stuffed by nodemailer's DATA stream).
      const lenientLines = wire.split(/\r\n|\r|\n/);
      expect(
        lenientLines.filter((l) => l === "."),
        JSON.stringify(wire),
      ).toHaveLength(1);
      const dataEnd = lenientLines.indexOf(".", lenientLines.indexOf("DATA"));
      expect(lenientLines.slice(0, dataEnd).filter((l) => /^mail from:/i.test(l))).not.toHaveLength(0);
      expect(lenientLines.slice(dataEnd + 1).filter((l) => /^(mail from|rcpt to|data)\b/i.test(l))).toEqual(
        [],
      );
      // No `\r.` anywhere (the smuggling sequence), and one `\r\n.\r\n`: the DATA terminator.
      expect(wire.includes("\r."), JSON.stringify(wire)).toBe(false);
      expect(wire.match(/\r\n\.\r\n/g), JSON.stringify(wire)).toHaveLength(1);
      // The real server saw one transaction to the one recipient; the text arrived as text.
      await new Promise((r) => setTimeout(r, 100));
      expect(sink.dataCount).toBe(1);
      expect(mail!.envelope.to).toEqual(["client@exemple.fr"]);
      expect(mail!.envelope.from).toBe("contact@exemple.fr");
      expect(mail!.parsed.text).toContain("MAIL FROM:<ceo@bank.example>");
      expect(mail!.parsed.text).toContain("smuggled");
    },
  );
});
