import { describe, expect, it } from "vitest";
import {
  parseEhloCapabilities,
  parseImapCapabilities,
  parsePop3Capabilities,
} from "../../src/diagnostics/capabilities.js";
import { capabilityAtoms, imapQuote } from "../../src/diagnostics/imap-probe.js";
import { parseStat } from "../../src/diagnostics/pop3-probe.js";
import { ehloName } from "../../src/diagnostics/smtp-probe.js";
import { replyClass } from "../../src/diagnostics/smtp-reply.js";

describe("capability parsers", () => {
  it("reads SMTP EHLO extensions", () => {
    const caps = parseEhloCapabilities([
      "mx.example Hello",
      "SIZE 35882577",
      "8BITMIME",
      "AUTH LOGIN PLAIN XOAUTH2",
      "AUTH=LOGIN",
      "ENHANCEDSTATUSCODES",
      "PIPELINING",
      "SMTPUTF8",
      "STARTTLS",
    ]);
    expect(caps).toMatchObject({
      sizeLimit: 35_882_577,
      eightBitMime: true,
      pipelining: true,
      smtpUtf8: true,
      starttls: true,
      enhancedStatusCodes: true,
    });
    expect(caps.authMechanisms).toEqual(["LOGIN", "PLAIN", "XOAUTH2"]);
  });

  it("reads IMAP capabilities, greeting code or untagged response", () => {
    expect(capabilityAtoms("* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready")).toEqual([
      "IMAP4rev1",
      "STARTTLS",
      "LOGINDISABLED",
    ]);
    expect(capabilityAtoms("* CAPABILITY IMAP4rev1 AUTH=PLAIN")).toEqual(["IMAP4rev1", "AUTH=PLAIN"]);
    expect(capabilityAtoms("* OK ready")).toBeNull();
    const caps = parseImapCapabilities([
      "IMAP4rev1",
      "STARTTLS",
      "LOGINDISABLED",
      "AUTH=PLAIN",
      "AUTH=XOAUTH2",
    ]);
    expect(caps).toMatchObject({ starttls: true, loginDisabled: true, authMechanisms: ["PLAIN", "XOAUTH2"] });
  });

  it("reads POP3 CAPA", () => {
    const caps = parsePop3Capabilities(["TOP", "USER", "SASL PLAIN LOGIN", "STLS", "PIPELINING"]);
    expect(caps).toMatchObject({
      starttls: true,
      pipelining: true,
      authMechanisms: ["USER", "PLAIN", "LOGIN"],
    });
  });

  it("parses STAT and quotes IMAP strings", () => {
    expect(parseStat("+OK 3 1200")).toEqual({ messages: 3, octets: 1200 });
    expect(parseStat("-ERR locked")).toBeNull();
    expect(imapQuote('pa"ss\\word')).toBe('"pa\\"ss\\\\word"');
    expect(imapQuote("mot-de-passe-é")).toBeNull();
  });

  it("names itself with an address literal in EHLO", () => {
    expect(ehloName("192.0.2.5")).toBe("[192.0.2.5]");
    expect(ehloName("::ffff:192.0.2.5")).toBe("[192.0.2.5]");
    expect(ehloName("2001:db8::1")).toBe("[IPv6:2001:db8::1]");
  });

  it("classifies replies by their first digit", () => {
    expect([250, 354, 451, 554].map(replyClass)).toEqual(["positive", "positive", "temporary", "permanent"]);
  });
});
