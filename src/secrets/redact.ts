/**
 * Redaction BY VALUE. A probe, a confirmation or a send knows the secret it used: every text it stores,
 * returns or logs goes through `secretRedactor(...)`, which removes the secret in every encoding a server or a
 * library may echo it in (a 535 repeating the AUTH line, an error message quoting the command):
 *
 * - as text, each character either as itself or escaped: URL (%XX any case, `+` for space), JSON/JavaScript
 *   (`\uXXXX`, `\"`, `\\`, `\/`…), HTML character references, IMAP quoted-string escapes — mixed freely;
 * - hexadecimal of its UTF-8 bytes;
 * - base64 (standard and URL alphabets, `/` and `+` also JSON- or URL-escaped) of the secret alone, and of the
 *   secret embedded at any offset of a longer blob: the three "cores" (the base64 characters that depend on
 *   the secret's bytes only, for offsets 0, 1 and 2 modulo 3) — that covers AUTH PLAIN (`\0user\0pass`),
 *   AUTH LOGIN, XOAUTH2 blobs and anything else a server may wrap it in;
 * - the whole AUTH PLAIN blobs, so no readable remains of them are left either.
 *
 * Then, for secrets of 8 characters or more, PARTS and TRANSFORMS of it (redact-fragments.ts): any run of 4
 * consecutive characters in any case, also across SMTP continuation lines and separators (split, truncated,
 * spaced echoes), hex with separators, quoted-printable, reversed, rot13, mojibake, base64 in any case (UTF-8,
 * UTF-16LE/BE) and base32, each at every alignment.
 *
 * Shape-based redaction (`AUTH PLAIN <blob>` in our own commands) stays in diagnostics/transcript.ts, and the
 * replies to an AUTH exchange are never kept as text at all (auth-reply.ts); this is the part that does not
 * depend on where the secret appears.
 */

import { fragmentIndex, fragmentSpans, replaceSpans } from "./redact-fragments.js";

export const REDACTED = "[redacted]";

/** Shorter secrets are not scrubbed as text: a 1–2 character password would blank every occurrence of them. */
export const MIN_SECRET_CHARS = 3;
/** Base64 cores shorter than this are too likely to occur by chance (a 3-byte secret has 3-character cores). */
const MIN_BASE64_CORE = 3;
/** Replacing can create a new match with the text around it (`[redacted]` + next chars): repeat, bounded. */
const MAX_PASSES = 4;

const MARKERS = [REDACTED, "<redacted>", "###", "~"];

export type Redactor = (text: string) => string;

export interface SecretSource {
  /** Login name: only used to recognise whole AUTH PLAIN blobs (the login itself is not secret). */
  user?: string | null | undefined;
  password?: string | null | undefined;
}

const identity: Redactor = (text) => text;

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/** Hex digits of `n` (at least `width`), letters matched in either case. */
function hexPattern(n: number, width: number): string {
  return n
    .toString(16)
    .padStart(width, "0")
    .replace(/[a-f]/g, (c) => `[${c}${c.toUpperCase()}]`);
}

/** Backslash escapes; `\\+` since a JSON text may itself be JSON-escaped again (`\\\\u0041`). */
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\\\+"',
  "'": "\\\\+'",
  "\\": "\\\\+",
  "/": "\\\\+/",
  "\n": "\\\\+n",
  "\r": "\\\\+r",
  "\t": "\\\\+t",
  "\b": "\\\\+b",
  "\f": "\\\\+f",
};

const HTML_NAMED: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Every spelling of one character (a code point) in the text encodings above, as a regex group. */
function characterPattern(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const forms = new Set<string>([escapeRegex(ch)]);
  forms.add([...Buffer.from(ch, "utf8")].map((byte) => `%${hexPattern(byte, 2)}`).join(""));
  if (ch === " ") forms.add("\\+");
  const units = cp > 0xffff ? [ch.charCodeAt(0), ch.charCodeAt(1)] : [cp];
  forms.add(units.map((unit) => `\\\\+u${hexPattern(unit, 4)}`).join(""));
  if (cp <= 0xff) forms.add(`\\\\+x${hexPattern(cp, 2)}`);
  if (SHORT_ESCAPES[ch]) forms.add(SHORT_ESCAPES[ch]);
  forms.add(`&#0*${cp};`);
  forms.add(`&#[xX]0*${hexPattern(cp, 1)};`);
  if (HTML_NAMED[ch]) forms.add(escapeRegex(HTML_NAMED[ch]));
  return forms.size === 1 ? [...forms][0]! : `(?:${[...forms].join("|")})`;
}

/** A base64 run as a pattern: `+` and `/` may themselves be URL- or JSON-escaped; URL alphabet accepted. */
function base64Pattern(b64: string): string {
  return [...b64]
    .map((c) => {
      if (c === "+") return "(?:\\+|-|%2[bB])";
      if (c === "/") return "(?:/|_|\\\\/|%2[fF])";
      return c;
    })
    .join("");
}

const b64 = (bytes: Buffer) => bytes.toString("base64").replace(/=+$/, "");

/**
 * The base64 characters determined by the secret's bytes alone when it starts `offset` bytes into a 3-byte
 * group: character i covers bits [6i, 6i+6), known iff that range lies inside the secret's bits.
 */
export function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = b64(Buffer.concat([Buffer.alloc(offset), bytes]));
    const core = encoded.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    if (core.length >= MIN_BASE64_CORE) cores.push(core);
  }
  return cores;
}

/** `exact`: base64 forms (case carries the data); `folded`: text and hex forms, matched in any case. */
function patternsFor(source: SecretSource): { exact: string[]; folded: string[] } {
  const password = source.password ?? "";
  if ([...password].length < MIN_SECRET_CHARS) return { exact: [], folded: [] };
  const bytes = Buffer.from(password, "utf8");
  const patterns: string[] = [];
  if (source.user !== undefined && source.user !== null) {
    const user = source.user;
    for (const blob of [`\u0000${user}\u0000${password}`, `${user}\u0000${user}\u0000${password}`])
      patterns.push(`${base64Pattern(b64(Buffer.from(blob, "utf8")))}={0,2}`);
  }
  patterns.push(`${base64Pattern(b64(bytes))}={0,2}`);
  for (const core of base64Cores(password)) patterns.push(base64Pattern(core));
  // A server may echo the text upper- or lower-cased ("535 AUTH FAILED FOR …"): text forms ignore case.
  const folded = [
    [...password].map(characterPattern).join(""),
    [...bytes].map((b) => hexPattern(b, 2)).join(""),
  ];
  return { exact: patterns, folded };
}

/** One regex per case rule: `g` to replace, and a non-global twin to test (no lastIndex state). */
function compile(patterns: string[], flags: string): { replace: RegExp; test: RegExp } | null {
  if (patterns.length === 0) return null;
  const source = [...new Set(patterns)].join("|");
  return { replace: new RegExp(source, `g${flags}`), test: new RegExp(source, flags) };
}

/**
 * A function that removes every given secret from a text, in every encoding listed above, parts and
 * transforms included: for text that comes from a server (replies, transcript lines received, errors).
 */
export function secretRedactor(...sources: SecretSource[]): Redactor {
  return buildRedactor(sources, true);
}

/**
 * The whole secret in every encoding, without the parts (redact-fragments.ts): for texts Facteur writes
 * itself around a server's words (explanations, host names, codes), which a 4-character part of a password
 * like "Exemple-password1" would otherwise shred ("mot de passe", "smtp.exemple.fr"). Server text inside
 * them must already have gone through `secretRedactor`.
 */
export function wholeSecretRedactor(...sources: SecretSource[]): Redactor {
  return buildRedactor(sources, false);
}

function buildRedactor(sources: SecretSource[], withFragments: boolean): Redactor {
  const all = sources.map(patternsFor);
  const fragments = withFragments
    ? sources.map((source) => fragmentIndex(source.password ?? "")).filter((index) => index !== null)
    : [];
  const regexes = [
    compile(
      all.flatMap((p) => p.exact),
      "",
    ),
    compile(
      all.flatMap((p) => p.folded),
      "i",
    ),
  ].filter((r) => r !== null);
  if (regexes.length === 0 && fragments.length === 0) return identity;
  const found = (text: string) =>
    regexes.some((r) => r.test.test(text)) || fragmentSpans(text, fragments).length > 0;
  // A secret that is part of "[redacted]" (say "act") gets another marker, or the marker would leak it.
  const marker = MARKERS.find((m) => !found(m) && !found(`${m}${m}`)) ?? MARKERS[MARKERS.length - 1]!;
  return (text) => {
    let out = text;
    for (let pass = 0; pass < MAX_PASSES && found(out); pass++) {
      for (const r of regexes) out = out.replace(r.replace, marker);
      out = replaceSpans(out, fragmentSpans(out, fragments), marker);
    }
    return found(out) ? marker : out;
  };
}

/** A copy of `value` with every string in it (at any depth) passed through `redact`. */
export function redactDeep<T>(value: T, redact: Redactor): T {
  if (redact === identity) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object" && !(v instanceof Date) && !Buffer.isBuffer(v)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(v)) out[key] = walk(inner);
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
