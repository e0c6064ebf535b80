import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REDACTED, Transcript, formatTranscript, redactCommand } from "../../src/diagnostics/transcript.js";
import { secretRedactor } from "../../src/secrets/redact.js";

describe("transcript redaction", () => {
  it.each([
    ["AUTH PLAIN AGFsaWNlAHNlY3JldA==", "AUTH PLAIN [redacted]"],
    ["auth login YWxpY2U=", "auth login [redacted]"],
    ["PASS hunter2", "PASS [redacted]"],
    ['a3 LOGIN "alice" "hunter2"', "a3 LOGIN [redacted]"],
    ["a4 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==", "a4 AUTHENTICATE PLAIN [redacted]"],
    ["EHLO [127.0.0.1]", "EHLO [127.0.0.1]"],
    ["USER alice", "USER alice"],
    ["AUTH LOGIN", "AUTH LOGIN"],
  ])("redacts %s", (line, shown) => {
    expect(redactCommand(line)).toBe(shown);
  });

  it("removes every wire form of the password from any line, even unmarked ones", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 3, maxLength: 40 }).filter((p) => p.trim().length >= 3),
        (password) => {
          const transcript = new Transcript(secretRedactor({ user: "alice", password }));
          const b64 = Buffer.from(password).toString("base64");
          const plain = Buffer.from(`\u0000alice\u0000${password}`).toString("base64");
          transcript.add("send", b64, false);
          transcript.add("recv", `echo ${password} and ${plain}`, false);
          const text = JSON.stringify(transcript.toJSON());
          expect(text).not.toContain(b64);
          expect(text).not.toContain(plain);
          expect(transcript.entries.every((e) => !e.text.includes(password))).toBe(true);
        },
      ),
    );
  });

  it("uses the display text for lines marked secret", () => {
    const transcript = new Transcript();
    transcript.add("send", "c2VjcmV0", false, REDACTED);
    expect(transcript.entries[0]!.text).toBe(REDACTED);
  });

  it("prints like swaks, with ~> / <~ inside TLS", () => {
    const transcript = new Transcript();
    transcript.add("recv", "220 ready", false);
    transcript.add("send", "EHLO x", true);
    transcript.info("note");
    transcript.add("error", "boom", false);
    expect(formatTranscript(transcript.entries)).toBe("<-  220 ready\n ~> EHLO x\n=== note\n*** boom");
  });
});
