import type { Socket } from "node:net";
import { expect } from "vitest";
import { onLines } from "../diagnostics/helpers/servers.js";
import { expectNoSecret } from "./recorder.js";

/**
 * Echo variants of red-team finding 1 (after issue 13 item 5): how a server may repeat a password it received
 * in the reply to AUTH — split over the lines of a multi-line reply, truncated, upper-cased AUTH PLAIN blob,
 * re-encoded — the raw SMTP/IMAP/POP3 servers that do it, and a leak detector independent of src/secrets.
 */
export const PASSWORD = "Q#9Zk7vB2-mW4t!pR8jx";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const rot13 = (s: string) =>
  s.replace(/[a-z]/gi, (c) => {
    const base = c <= "Z" ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
const base32 = (bytes: Buffer) => {
  let bits = "";
  for (const byte of bytes) bits += byte.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5)
    out += "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
};
const hex = Buffer.from(PASSWORD).toString("hex");
const hexSpaced = hex.replace(/(..)(?!$)/g, "$1 ");
const qp = hex.toUpperCase().replace(/(..)/g, "=$1");
const utf16 = b64(Buffer.from(PASSWORD, "utf16le"));
const b32 = base32(Buffer.from(PASSWORD));

/** Each variant: the reply lines (code included) a server answers AUTH with, `p` the password it received. */
export const VARIANTS: Record<string, (p: string, user: string) => string[]> = {
  split: (p) => [`535-5.7.8 bad credentials for ${p.slice(0, 12)}`, `535 5.7.8 ${p.slice(12)}`],
  splitShort: (p) => [`535-${p.slice(0, 3)}`, `535 ${p.slice(3)}`],
  truncated: (p) => [`535 5.7.8 bad credentials for ${p.slice(0, -1)}`],
  plainUpper: (p, user) => [`535 5.7.8 ${b64(`\u0000${user}\u0000${p}`).toUpperCase()}`],
  hexSpaced: (p) => [
    `535 5.7.8 ${Buffer.from(p)
      .toString("hex")
      .replace(/(..)(?!$)/g, "$1 ")}`,
  ],
  quotedPrintable: (p) => [
    `535 5.7.8 ${Buffer.from(p).toString("hex").toUpperCase().replace(/(..)/g, "=$1")}`,
  ],
  reversed: (p) => [`535 5.7.8 ${[...p].reverse().join("")}`],
  rot13: (p) => [`535 5.7.8 ${rot13(p)}`],
  utf16: (p) => [`535 5.7.8 ${b64(Buffer.from(p, "utf16le"))}`],
  base32: (p) => [`535 5.7.8 ${base32(Buffer.from(p))}`],
};
export const NAMES = Object.keys(VARIANTS);
export const userOf = (variant: string) => `${variant.toLowerCase()}@exemple.fr`;
export const variantOf = (user: string) => NAMES.find((n) => userOf(n) === user) ?? "split";

/** Windows of `size` characters of `form`, lowercased. */
function windows(form: string, size: number): string[] {
  const lower = form.toLowerCase();
  const out: string[] = [];
  for (let i = 0; i + size <= lower.length; i++) out.push(lower.slice(i, i + size));
  return out;
}

/**
 * What must never be found (any case), computed here independently of src/secrets: 6 consecutive characters
 * of the password, reversed or rot13; 12 consecutive characters of any encoded form; the 3-character first
 * half of the short split (with its `#`, which nothing else here prints).
 */
const TELLTALES = [
  ...new Set([
    ...[PASSWORD, [...PASSWORD].reverse().join(""), rot13(PASSWORD)].flatMap((f) => windows(f, 6)),
    ...[hex, hexSpaced, qp, utf16, b32].flatMap((f) => windows(f, 12)),
    ...NAMES.map((n) => {
      const blob = b64(`\u0000${userOf(n)}\u0000${PASSWORD}`);
      return blob.slice(Math.ceil((8 * (userOf(n).length + 2)) / 6) + 1, -3);
    }).flatMap((core) => windows(core, 12)),
  ]),
];

export function expectNothingOf(text: string, where: string): void {
  const lower = text.toLowerCase();
  for (const telltale of TELLTALES)
    expect(lower.includes(telltale), `${where} holds ${JSON.stringify(telltale)}`).toBe(false);
  expect(text.includes(PASSWORD.slice(0, 3)), `${where} holds the short half`).toBe(false);
  expectNoSecret(text, PASSWORD, where);
}

/** SMTP server answering AUTH PLAIN / AUTH LOGIN with the variant chosen by the user name. */
export function smtpEcho(seen: string[]) {
  return (socket: Socket) => {
    socket.write("220 echo.exemple.fr ESMTP\r\n");
    let login: { user?: string } | null = null;
    const refuse = (user: string, password: string) => {
      seen.push(password);
      const lines = VARIANTS[variantOf(user)]!(password, user);
      socket.write(`${lines.join("\r\n")}\r\n`);
    };
    onLines(socket, (line) => {
      if (login) {
        const value = Buffer.from(line, "base64").toString("utf8");
        if (login.user === undefined) {
          login.user = value;
          socket.write("334 UGFzc3dvcmQ6\r\n");
        } else {
          refuse(login.user, value);
          login = null;
        }
        return;
      }
      if (/^(EHLO|HELO)/i.test(line))
        socket.write("250-echo.exemple.fr\r\n250-AUTH PLAIN LOGIN\r\n250 OK\r\n");
      else if (/^AUTH PLAIN /i.test(line)) {
        const [, user = "", password = ""] = Buffer.from(line.slice(11), "base64")
          .toString("utf8")
          .split("\u0000");
        refuse(user, password);
      } else if (/^AUTH LOGIN/i.test(line)) {
        login = {};
        socket.write("334 VXNlcm5hbWU6\r\n");
      } else if (/^QUIT/i.test(line)) socket.end("221 bye\r\n");
      else socket.write("250 OK\r\n");
    });
  };
}

/** IMAP: the echo in untagged lines then the tagged NO (split across lines); POP3: in the -ERR line. */
export function imapEcho(socket: Socket): void {
  socket.write("* OK [CAPABILITY IMAP4rev1] echo ready\r\n");
  onLines(socket, (line) => {
    const [tag = "*", command = ""] = line.split(" ");
    if (/^CAPABILITY$/i.test(command)) socket.write(`* CAPABILITY IMAP4rev1\r\n${tag} OK done\r\n`);
    else if (/^LOGIN$/i.test(command)) {
      const [, , user = "", password = ""] = line.split(" ").map((s) => s.replace(/^"|"$/g, ""));
      const lines = VARIANTS[variantOf(user)]!(password, user).map((l) => l.slice(4));
      const last = lines.pop()!;
      socket.write(
        `${lines.map((l) => `* NO ${l}\r\n`).join("")}${tag} NO [AUTHENTICATIONFAILED] ${last}\r\n`,
      );
    } else if (/^LOGOUT$/i.test(command)) socket.end(`* BYE\r\n${tag} OK bye\r\n`);
    else socket.write(`${tag} BAD unknown\r\n`);
  });
}

export function pop3Echo(socket: Socket): void {
  socket.write("+OK echo ready\r\n");
  let user = "";
  onLines(socket, (line) => {
    if (/^CAPA/i.test(line)) socket.write("+OK\r\nUSER\r\n.\r\n");
    else if (/^USER /i.test(line)) {
      user = line.slice(5);
      socket.write(`+OK ${VARIANTS[variantOf(user)]!(PASSWORD, user)[0]!.slice(4)}\r\n`);
    } else if (/^PASS /i.test(line)) {
      const text = VARIANTS[variantOf(user)]!(line.slice(5), user).map((l) => l.slice(4));
      socket.write(`-ERR [AUTH] ${text.join(" ")}\r\n`);
    } else if (/^QUIT/i.test(line)) socket.end("+OK bye\r\n");
    else socket.write("-ERR unknown\r\n");
  });
}
