import { describe, expect, it } from "vitest";
import { describeError } from "../../src/domain/errors.js";
import { explainCode, explainLastError, formatReason } from "../../src/sending/last-error.js";
import {
  failedSettlement,
  heldBackSettlement,
  internalErrorSettlement,
  retrySettlement,
  sentSettlement,
  settlementAfterFailure,
  type SettledRow,
  type Undelivered,
} from "../../src/sending/settlement.js";

const created = "2026-12-01T10:00:00.000Z";
const now = new Date("2026-12-01T10:05:00.000Z");
const row: SettledRow = {
  id: 7,
  attempt_count: 2,
  last_server_id: 3,
  last_error: "MESSAGE_TEMPORARY_FAILURE · RCPT TO · EENVELOPE · 451 4.7.1 Greylisted",
  created_at: created,
};
const refused: Undelivered = {
  attempt: 3,
  reason: {
    code: "MESSAGE_REFUSED",
    stage: "RCPT TO",
    transportCode: "EENVELOPE",
    reply: "550 5.1.1 User unknown",
  },
  pinnedServerId: null,
  lastServerId: 4,
};

describe("settlement builders", () => {
  it("sent: the server, its Message-ID and the time, no error", () => {
    expect(
      sentSettlement(row, { serverId: 4, smtpMessageId: "<m@x>", at: now.toISOString(), attempt: 3 }),
    ).toEqual({
      id: 7,
      status: "sent",
      dueAt: null,
      pinnedServerId: null,
      attemptCount: 3,
      lastServerId: 4,
      lastError: null,
      smtpMessageId: "<m@x>",
      sentAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  });

  it("held back: due a moment later, with its count and last error unchanged", () => {
    const s = heldBackSettlement(row, now, 1_000);
    expect(s).toMatchObject({
      status: "queued",
      attemptCount: 2,
      lastServerId: 3,
      lastError: row.last_error,
    });
    expect(s.dueAt).toBe("2026-12-01T10:05:01.000Z");
  });

  it("retry and failure store codes, then the stage, transport code and server reply", () => {
    const retry = retrySettlement(row, refused, now, 30_000);
    expect(retry).toMatchObject({ status: "queued", attemptCount: 3, lastServerId: 4 });
    expect(retry.dueAt).toBe("2026-12-01T10:05:30.000Z");
    expect(retry.lastError).toBe("MESSAGE_REFUSED · RCPT TO · EENVELOPE · 550 5.1.1 User unknown");
    const failed = failedSettlement(row, { ...refused, pinnedServerId: 4 }, now, true);
    expect(failed).toMatchObject({ status: "failed", dueAt: null, pinnedServerId: 4 });
    expect(failed.lastError).toBe("EXPIRED · MESSAGE_REFUSED · RCPT TO · EENVELOPE · 550 5.1.1 User unknown");
  });

  it("retries what may still get through until the maximum age, fails permanent refusals at once", () => {
    const policy = { maxAgeMs: 10 * 60_000, retryDelayMs: () => 30_000 };
    expect(settlementAfterFailure(row, { ...refused, retryable: false }, now, policy).status).toBe("failed");
    expect(settlementAfterFailure(row, { ...refused, retryable: true }, now, policy).status).toBe("queued");
    const old = settlementAfterFailure(row, { ...refused, retryable: true }, now, {
      ...policy,
      maxAgeMs: 60_000,
    });
    expect(old.status).toBe("failed");
    expect(old.lastError).toMatch(/^EXPIRED · MESSAGE_REFUSED/);
  });

  it("an internal error puts the message back with the INTERNAL code only", () => {
    const s = internalErrorSettlement(row, now, 30_000);
    expect(s).toMatchObject({ status: "queued", attemptCount: 3, lastServerId: 3, lastError: "INTERNAL" });
  });
});

describe("stored reasons", () => {
  it("reads a code's FR/EN text from the catalog", () => {
    expect(explainLastError("MESSAGE_REFUSED · RCPT TO · EENVELOPE · 550 nope")).toEqual({
      code: "MESSAGE_REFUSED",
      text: { fr: describeError("MESSAGE_REFUSED", "fr"), en: describeError("MESSAGE_REFUSED", "en") },
    });
    expect(explainLastError(formatReason({ code: "SERVER_PASSWORD_REENTRY_REQUIRED" })).code).toBe(
      "SERVER_PASSWORD_REENTRY_REQUIRED",
    );
    expect(explainCode("SERVER_PASSWORD_REENTRY_REQUIRED")?.en).toBe(
      describeError("SERVER_PASSWORD_REENTRY_REQUIRED", "en"),
    );
    expect(explainCode("ETIMEDOUT")).toBeNull();
    // Facteur's own refusal of the connection: its code, its catalog text.
    expect(explainLastError("TARGET_BLOCKED · CONN")).toEqual({
      code: "TARGET_BLOCKED",
      text: { fr: describeError("TARGET_BLOCKED", "fr"), en: describeError("TARGET_BLOCKED", "en") },
    });
  });

  it("explains an expired message with its last reason", () => {
    const { code, text } = explainLastError(
      "EXPIRED · MESSAGE_TEMPORARY_FAILURE · CONN · ETIMEDOUT · Timeout",
    );
    expect(code).toBe("MESSAGE_EXPIRED");
    expect(text?.en).toBe(
      `${describeError("MESSAGE_EXPIRED", "en")} ${describeError("MESSAGE_TEMPORARY_FAILURE", "en")}`,
    );
  });

  it("leaves text stored before codes without a code (shown as it is)", () => {
    expect(explainLastError("NO_ROUTE · no usable server for this message")).toEqual({
      code: null,
      text: null,
    });
    expect(explainLastError("RCPT TO · EENVELOPE · 550 5.1.1 User unknown")).toEqual({
      code: null,
      text: null,
    });
    expect(explainLastError("EXPIRED · DATA · ETIMEDOUT · Timeout").code).toBe("MESSAGE_EXPIRED");
    expect(explainLastError(null)).toEqual({ code: null, text: null });
  });
});
