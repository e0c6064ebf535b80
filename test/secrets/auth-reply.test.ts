import { describe, expect, it } from "vitest";
import { classifyFailure } from "../../src/diagnostics/explain.js";
import {
  imapAuthLine,
  isAuthExchange,
  pop3AuthLine,
  smtpAuthLine,
  smtpAuthReply,
} from "../../src/secrets/auth-reply.js";
import { classifySendError } from "../../src/sending/delivery-policy.js";

/** Replies to an AUTH exchange keep their codes and a fixed text, never the server's words. */
const SECRET = "Q9Zk7vB2mW4tpR8jx";

describe("replies to an AUTH exchange (structural redaction)", () => {
  it("SMTP: code and enhanced code only, each continuation line too", () => {
    expect(
      smtpAuthReply(535, "5.7.8", `535-5.7.8 bad ${SECRET.slice(0, 9)} / 535 5.7.8 ${SECRET.slice(9)}`),
    ).toMatch(/^535 5\.7\.8 \[[^\]]*\]$/);
    expect(smtpAuthLine(`535-5.7.8 bad ${SECRET}`)).toMatch(/^535-5\.7\.8 \[/);
    expect(smtpAuthLine(`334 ${Buffer.from(SECRET).toString("base64")}`)).toBe("334 [challenge withheld]");
    expect(smtpAuthLine(SECRET)).not.toContain(SECRET.slice(0, 4));
  });

  it("IMAP and POP3: our tag, status and registered response codes only", () => {
    expect(imapAuthLine(`a3 NO [AUTHENTICATIONFAILED] ${SECRET}`)).toMatch(
      /^a3 NO \[AUTHENTICATIONFAILED\] \[/,
    );
    expect(imapAuthLine(`a3 NO [${SECRET}] failed`)).toMatch(/^a3 NO \[server text/);
    expect(imapAuthLine(`${SECRET} NO x`)).not.toContain(SECRET.slice(0, 4));
    expect(imapAuthLine("+ UGFzc3dvcmQ6")).toBe("+ [challenge withheld]");
    expect(pop3AuthLine(`-ERR [AUTH] wrong ${SECRET}`)).toMatch(/^-ERR \[AUTH\] \[/);
    expect(pop3AuthLine(`-ERR [${SECRET.slice(0, 8)}] x`)).toMatch(/^-ERR \[server text/);
  });

  it("summaries still classify like the replies they replace, and are idempotent", () => {
    const ctx = {
      protocol: "smtp" as const,
      host: "smtp.exemple.fr",
      port: 587,
      security: "starttls" as const,
    };
    const summary = (text: string, code: number) => smtpAuthReply(code, null, text);
    for (const [text, code, expected] of [
      ["535 5.7.8 Authentication credentials invalid", 535, "AUTH_FAILED"],
      ["535 5.7.9 Application-specific password required", 535, "AUTH_APP_PASSWORD_REQUIRED"],
      ["534 5.7.9 Please log in with your web browser", 534, "AUTH_APP_PASSWORD_REQUIRED"],
      ["538 5.7.11 Encryption required", 538, "TLS_REQUIRED_FOR_AUTH"],
    ] as const) {
      const once = summary(text, code);
      expect(summary(once, code)).toBe(once);
      expect(classifyFailure({ step: "auth", reply: once, replyCode: code, message: once }, ctx)).toBe(
        expected,
      );
    }
    const imap = imapAuthLine("a2 NO [PRIVACYREQUIRED] Plaintext authentication disallowed");
    expect(classifyFailure({ step: "auth", reply: imap, message: imap }, { ...ctx, protocol: "imap" })).toBe(
      "TLS_REQUIRED_FOR_AUTH",
    );
    const pop3 = pop3AuthLine("-ERR [IN-USE] mailbox locked");
    expect(classifyFailure({ step: "auth", reply: pop3, message: pop3 }, { ...ctx, protocol: "pop3" })).toBe(
      "MAILBOX_IN_USE",
    );
  });

  it("sending: nodemailer's EAUTH error keeps code + enhanced code + fixed text", () => {
    const error = Object.assign(new Error(`Invalid login: 535-5.7.8 for ${SECRET}`), {
      code: "EAUTH",
      command: "AUTH PLAIN",
      response: `535-5.7.8 for ${SECRET.slice(0, 9)}\n535 5.7.8 ${SECRET.slice(9)}`,
      responseCode: 535,
    });
    expect(isAuthExchange(error)).toBe(true);
    const failure = classifySendError(error, false);
    expect(failure).toMatchObject({
      outcome: "permanent",
      stage: "AUTH PLAIN",
      errorCode: "EAUTH",
      responseCode: 535,
    });
    expect(failure.response).toMatch(/^535 5\.7\.8 \[/);
    expect(failure.response).not.toContain(SECRET.slice(9));
    const other = classifySendError(
      { code: "EENVELOPE", command: "RCPT TO", response: "550 5.1.1 unknown", responseCode: 550 },
      false,
    );
    expect(other.response).toBe("550 5.1.1 unknown");
  });
});
