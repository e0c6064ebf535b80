import { describe, expect, it } from "vitest";
import { normalizeHost } from "../../src/domain/host.js";
import { passwordStrength } from "../../src/domain/password-policy.js";
import { portSecurityWarnings } from "../../src/domain/ports.js";
import { createServerSchema, emailSchema } from "../../src/domain/smtp-server.js";
import { zodIssuesToFieldIssues } from "../../src/domain/field-issues.js";

describe("host names", () => {
  it("turns an IDN host into punycode", () => {
    expect(normalizeHost("smtp.société.fr")).toBe("smtp.xn--socit-esab.fr");
  });
  it("lower-cases, strips a trailing dot and accepts IPs", () => {
    expect(normalizeHost("SMTP.Exemple.FR.")).toBe("smtp.exemple.fr");
    expect(normalizeHost("192.0.2.10")).toBe("192.0.2.10");
    expect(normalizeHost("[2001:db8::1]")).toBe("2001:db8::1");
  });
  it("refuses what is not a host", () => {
    for (const bad of [
      "",
      "smtp exemple.fr",
      "http://smtp.fr",
      "-bad.fr",
      "a..b",
      "x".repeat(64) + ".fr",
      "user@host",
      "1.2.3",
    ]) {
      expect(normalizeHost(bad), bad).toBeNull();
    }
  });
});

describe("email addresses", () => {
  it("normalises the domain of an IDN address", () => {
    expect(emailSchema.parse("Jean@Société.fr")).toBe("Jean@xn--socit-esab.fr");
  });
  it("refuses addresses without a dotted domain or with CR/LF", () => {
    for (const bad of ["jean", "jean@", "@x.fr", "jean@localhost", "a\r\nBcc: x@y.fr@x.fr", "a..b@x.fr"]) {
      expect(emailSchema.safeParse(bad).success, bad).toBe(false);
    }
  });
});

describe("port and security", () => {
  it("explains TLS on 587 as a wrong security mode", () => {
    expect(portSecurityWarnings("smtp", 587, "tls").map((w) => w.code)).toContain("TLS_ON_STARTTLS_PORT");
  });
  it("explains STARTTLS on 465 and plain on 465", () => {
    expect(portSecurityWarnings("smtp", 465, "starttls").map((w) => w.code)).toEqual([
      "STARTTLS_ON_TLS_PORT",
    ]);
    expect(portSecurityWarnings("smtp", 465, "none").map((w) => w.code)).toContain("PLAIN_ON_TLS_PORT");
  });
  it("warns that port 25 is often blocked, and says nothing for 587 STARTTLS or 465 TLS", () => {
    expect(portSecurityWarnings("smtp", 25, "starttls").map((w) => w.code)).toEqual([
      "PORT_25_OFTEN_BLOCKED",
    ]);
    expect(portSecurityWarnings("smtp", 587, "starttls")).toEqual([]);
    expect(portSecurityWarnings("smtp", 465, "tls")).toEqual([]);
  });
  it("gives every warning in French and English", () => {
    for (const w of portSecurityWarnings("smtp", 25, "tls")) {
      expect(w.fr.length).toBeGreaterThan(10);
      expect(w.en.length).toBeGreaterThan(10);
      expect(w.fr).not.toBe(w.en);
    }
  });
});

describe("password policy", () => {
  it("reports each missing class", () => {
    const weak = passwordStrength("abcdefgh");
    expect(weak.criteria).toEqual({ lower: true, upper: false, digit: false, special: false, length: true });
    expect(weak.acceptable).toBe(false);
  });
  it("refuses a guessable password that ticks every box", () => {
    const guessable = passwordStrength("Passw0rd!");
    expect(Object.values(guessable.criteria).every(Boolean)).toBe(true);
    expect(guessable.acceptable).toBe(false);
  });
  it("accepts a strong password", () => {
    expect(passwordStrength("Tr0ub4dor&3-Secret").acceptable).toBe(true);
  });
  it("says what is missing in French and English", () => {
    const result = createServerSchema.safeParse({
      title: "t",
      host: "smtp.x.fr",
      port: 587,
      authentication: "password",
      security: "starttls",
      mail: "a@x.fr",
      senderName: "n",
      username: "u",
      password: "abcdefgh",
    });
    expect(result.success).toBe(false);
    const issues = zodIssuesToFieldIssues(result.error!.issues);
    const password = issues.find((i) => i.path === "password");
    expect(password?.code).toBe("PASSWORD_WEAK");
    expect(password?.fr).toContain("une lettre majuscule");
    expect(password?.en).toContain("an upper-case letter");
  });
});
