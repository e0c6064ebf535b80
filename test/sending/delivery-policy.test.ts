import { describe, expect, it } from "vitest";
import { classifySendError, retryDelayMs } from "../../src/sending/delivery-policy.js";
import { findHeaderInjection, base64DecodedBytes } from "../../src/sending/message.schema.js";
import { rankCandidates } from "../../src/sending/routing.js";

describe("classifySendError", () => {
  it("treats a 5xx reply as permanent and a 4xx reply as temporary", () => {
    expect(
      classifySendError(
        { code: "EENVELOPE", command: "RCPT TO", responseCode: 550, response: "550 5.1.1 User unknown" },
        false,
      ),
    ).toMatchObject({
      outcome: "permanent",
      mayHaveBeenAccepted: false,
      stage: "RCPT TO",
    });
    expect(
      classifySendError({ code: "EENVELOPE", command: "RCPT TO", responseCode: 451 }, false).outcome,
    ).toBe("temporary");
  });

  it("treats connection errors without a reply as temporary", () => {
    for (const code of ["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS"]) {
      expect(classifySendError({ code, command: "CONN" }, false)).toMatchObject({
        outcome: "temporary",
        mayHaveBeenAccepted: false,
      });
    }
  });

  it("says a socket error once the content was streaming may have been accepted (stage DATA)", () => {
    expect(classifySendError({ code: "ESOCKET", command: "CONN" }, true)).toMatchObject({
      outcome: "temporary",
      mayHaveBeenAccepted: true,
      stage: "DATA",
    });
  });

  it("counts a refusal of the DATA command itself as before DATA, a refusal of the content as after", () => {
    expect(
      classifySendError({ code: "EENVELOPE", command: "DATA", responseCode: 554 }, false).mayHaveBeenAccepted,
    ).toBe(false);
    expect(
      classifySendError({ code: "EMESSAGE", command: "DATA", responseCode: 451 }, false).mayHaveBeenAccepted,
    ).toBe(true);
  });
});

describe("retryDelayMs", () => {
  it("doubles per attempt with equal jitter and a ceiling", () => {
    expect(retryDelayMs(1, 1_000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1_000, 60_000, () => 1)).toBe(1_000);
    expect(retryDelayMs(3, 1_000, 60_000, () => 1)).toBe(4_000);
    expect(retryDelayMs(30, 1_000, 60_000, () => 1)).toBe(60_000);
  });
});

describe("rankCandidates", () => {
  it("puts servers dedicated to the department first, then by priority and id", () => {
    const ranked = rankCandidates([
      { id: 1, version: 1, priority: 1, dedicated: false },
      { id: 4, version: 1, priority: 50, dedicated: true },
      { id: 3, version: 1, priority: 10, dedicated: true },
      { id: 2, version: 1, priority: 1, dedicated: false },
    ]);
    expect(ranked.map((c) => c.id)).toEqual([3, 4, 1, 2]);
  });
});

describe("findHeaderInjection", () => {
  it("finds CR/LF in every field that becomes a header and nothing in bodies", () => {
    const issues = findHeaderInjection({
      subject: "a\r\nb",
      to: ["ok@exemple.fr", { address: "x@exemple.fr", name: "X\nY" }],
      attachments: [{ filename: "a\r\n.txt", content: "" }],
      text: "line 1\r\nline 2",
    });
    expect(issues.map((i) => i.path)).toEqual(["subject", "to.1.name", "attachments.0.filename"]);
  });

  it("measures base64 without decoding", () => {
    expect(base64DecodedBytes(Buffer.alloc(1000).toString("base64"))).toBe(1000);
    expect(base64DecodedBytes(Buffer.alloc(1001).toString("base64"))).toBe(1001);
  });
});
