import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactDeep, secretRedactor } from "../../src/secrets/redact.js";
import { secretEncodings } from "../secrets/recorder.js";

/**
 * Issue 13 item 5, as a property: for any secret and any surrounding text, a text holding the secret in one of
 * the encodings a server may echo comes out of the redactor with no encoding of the secret left.
 */
const b64 = (b: Buffer) => b.toString("base64");
const utf8 = (s: string) => Buffer.from(s, "utf8");

type Encode = (password: string, user: string, pre: Buffer, post: Buffer) => string;

const ENCODINGS: Record<string, Encode> = {
  raw: (p) => p,
  // Case changed by the server (ASCII: other scripts' case mappings are not one-to-one).
  upperCase: (p) => (/^[\x20-\x7e]*$/.test(p) ? p.toUpperCase() : p),
  lowerCase: (p) => (/^[\x20-\x7e]*$/.test(p) ? p.toLowerCase() : p),
  base64: (p) => b64(utf8(p)),
  base64Unpadded: (p) => b64(utf8(p)).replace(/=+$/, ""),
  base64Url: (p) => utf8(p).toString("base64url"),
  embeddedBase64: (p, _u, pre, post) => b64(Buffer.concat([pre, utf8(p), post])),
  authPlain: (p, u) => b64(utf8(`\u0000${u}\u0000${p}`)),
  authPlainAuthzid: (p, u) => b64(utf8(`${u}\u0000${u}\u0000${p}`)),
  authLogin: (p, u) => `${b64(utf8(u))}\r\n${b64(utf8(p))}`,
  xoauth2: (p, u) => b64(utf8(`user=${u}\u0001auth=Bearer ${p}\u0001\u0001`)),
  url: (p) => encodeURIComponent(p),
  form: (p) => encodeURIComponent(p).replace(/%20/g, "+"),
  urlLowerHex: (p) => encodeURIComponent(p).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  urlEncodedBase64: (p, u) => encodeURIComponent(b64(utf8(`\u0000${u}\u0000${p}`))),
  json: (p) => JSON.stringify(p),
  jsonAscii: (p) =>
    JSON.stringify(p).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    ),
  jsonTwice: (p) => JSON.stringify(JSON.stringify({ password: p })),
  imapQuoted: (p) => `"${p.replace(/[\\"]/g, "\\$&")}"`,
  html: (p) =>
    p.replace(
      /[&<>"']/g,
      (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
    ),
  hex: (p) => utf8(p).toString("hex"),
  hexUpper: (p) => utf8(p).toString("hex").toUpperCase(),
};

const secret = fc
  .oneof(
    fc.string({ minLength: 3, maxLength: 40 }),
    fc.string({ unit: "binary", minLength: 3, maxLength: 24 }),
  )
  .filter((p) => [...p].length >= 3 && p.trim().length >= 3);
const text = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: "binary", maxLength: 30 }));
const bytes = fc.uint8Array({ maxLength: 5 }).map((a) => Buffer.from(a));

describe("redaction by value (property)", () => {
  it.each(Object.keys(ENCODINGS))("leaves no encoding of the secret in a text holding it %s", (name) => {
    fc.assert(
      fc.property(
        secret,
        fc.string({ minLength: 1, maxLength: 20 }),
        text,
        text,
        bytes,
        bytes,
        (password, user, before, after, pre, post) => {
          const encoded = ENCODINGS[name]!(password, user, pre, post);
          const scrubbed = secretRedactor({ user, password })(`${before}${encoded}${after}`);
          for (const form of secretEncodings(password))
            expect(
              scrubbed.includes(form),
              `${JSON.stringify(form)} left in ${JSON.stringify(scrubbed)}`,
            ).toBe(false);
          expect(scrubbed.includes(encoded)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps texts without the secret as they are", () => {
    const redact = secretRedactor({ user: "contact@exemple.fr", password: "Tr0ub4dor&3" });
    for (const line of [
      "250 2.0.0 Ok: queued as 4Xy",
      "220 mail.exemple.fr ESMTP Postfix",
      "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6",
      '{"ok":false,"code":"AUTH_FAILED"}',
    ])
      expect(redact(line)).toBe(line);
  });

  it("scrubs every string of a nested result, keys and non-strings untouched", () => {
    const redact = secretRedactor({ user: "u", password: "Secr3t!x" });
    const out = redactDeep(
      { a: ["x Secr3t!x", { b: Buffer.from("Secr3t!x").toString("base64") }], n: 3, ok: true, z: null },
      redact,
    );
    expect(out).toEqual({ a: ["x [redacted]", { b: "[redacted]" }], n: 3, ok: true, z: null });
  });
});
