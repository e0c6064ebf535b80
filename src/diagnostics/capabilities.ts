import type { Capabilities } from "./result.js";

function empty(raw: string[]): Capabilities {
  return {
    raw,
    starttls: false,
    authMechanisms: [],
    sizeLimit: null,
    pipelining: false,
    eightBitMime: false,
    smtpUtf8: false,
    enhancedStatusCodes: false,
    loginDisabled: false,
  };
}

/** EHLO keywords (RFC 5321 §4.1.1.1): every reply line but the first, which is the server's name. */
export function parseEhloCapabilities(replyLines: readonly string[]): Capabilities {
  const raw = replyLines
    .slice(1)
    .map((line) => line.trim())
    .filter(Boolean);
  const caps = empty(raw);
  for (const line of raw) {
    const [keyword = "", ...params] = line.split(/\s+/);
    switch (keyword.toUpperCase()) {
      case "STARTTLS":
        caps.starttls = true;
        break;
      case "AUTH":
        caps.authMechanisms.push(...params.map((p) => p.toUpperCase()));
        break;
      case "SIZE": {
        const limit = Number(params[0] ?? "0");
        caps.sizeLimit = Number.isFinite(limit) ? limit : 0;
        break;
      }
      case "PIPELINING":
        caps.pipelining = true;
        break;
      case "8BITMIME":
        caps.eightBitMime = true;
        break;
      case "SMTPUTF8":
        caps.smtpUtf8 = true;
        break;
      case "ENHANCEDSTATUSCODES":
        caps.enhancedStatusCodes = true;
        break;
      default:
        // Old Microsoft servers announce "AUTH=LOGIN" as well as "AUTH LOGIN".
        if (keyword.toUpperCase().startsWith("AUTH="))
          caps.authMechanisms.push(keyword.slice(5).toUpperCase(), ...params.map((p) => p.toUpperCase()));
    }
  }
  caps.authMechanisms = [...new Set(caps.authMechanisms)];
  return caps;
}

/** IMAP capability atoms (RFC 9051 §7.2.2): `IMAP4rev1 STARTTLS AUTH=PLAIN LOGINDISABLED …`. */
export function parseImapCapabilities(atoms: readonly string[]): Capabilities {
  const caps = empty([...atoms]);
  for (const atom of atoms) {
    const upper = atom.toUpperCase();
    if (upper === "STARTTLS") caps.starttls = true;
    else if (upper === "LOGINDISABLED") caps.loginDisabled = true;
    else if (upper.startsWith("AUTH=")) caps.authMechanisms.push(upper.slice(5));
    else if (upper === "LITERAL+" || upper === "LITERAL-") caps.pipelining = true;
    else if (upper === "UTF8=ACCEPT") caps.smtpUtf8 = true;
  }
  return caps;
}

/** POP3 CAPA lines (RFC 2449 §6): `STLS`, `SASL PLAIN LOGIN`, `USER`, `PIPELINING`… */
export function parsePop3Capabilities(lines: readonly string[]): Capabilities {
  const caps = empty([...lines]);
  for (const line of lines) {
    const [keyword = "", ...params] = line.trim().split(/\s+/);
    const upper = keyword.toUpperCase();
    if (upper === "STLS") caps.starttls = true;
    else if (upper === "SASL") caps.authMechanisms.push(...params.map((p) => p.toUpperCase()));
    else if (upper === "USER") caps.authMechanisms.push("USER");
    else if (upper === "PIPELINING") caps.pipelining = true;
    else if (upper === "UTF8") caps.smtpUtf8 = true;
  }
  return caps;
}
