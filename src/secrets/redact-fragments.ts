/**
 * Redaction by value, second layer: PARTS and TRANSFORMS of the secret. The first layer (redact.ts) removes
 * the whole secret in the encodings a server normally uses; a careless or hostile server may instead echo it
 * split over two reply lines, cut at N characters, upper-cased inside a base64 blob, as hex with spaces,
 * quoted-printable, reversed, rot13, UTF-16 base64, base32, or re-decoded as Latin-1 (mojibake).
 *
 * How: the secret gives a few DERIVED strings (itself, reversed, rot13, mojibake; hex of its UTF-8 bytes;
 * base64 of its UTF-8, UTF-16LE and UTF-16BE bytes at every alignment — the "cores" — in both alphabets;
 * base32 cores at every alignment). The text is read through a VIEW that drops what a server puts between
 * pieces: SMTP continuation prefixes (`\n535-5.7.8 `, and ` / 535 ` as the probe joins lines),
 * quoted-printable soft breaks (and `=XX`/`%XX` escapes are read as their byte), whitespace and the separators `: , ; . | _ = -` (the same characters are
 * dropped from the derived strings, so the secret's own `-` does not matter). Case is ignored everywhere.
 * Every window of the view that equals a window of a derived string, of the fragment length of its kind,
 * is redacted in the original text (the span from its first to its last character, separators included).
 *
 * Fragment length (the choice, documented in docs/SECURITY.md by the coordinator):
 * - text forms: 4 characters. Any run of 4 or more consecutive characters of the secret is removed, so at
 *   most 3 consecutive characters can survive an echo. Only texts holding 4 consecutive characters of the
 *   password itself are touched: ordinary replies ("535 5.7.8 Authentication credentials invalid") are not
 *   shredded unless the password holds those very 4-grams (a passphrase of common words would blank those
 *   words in replies — a price worth paying in error texts).
 * - hex: 8 digits (the same 4 bytes); base64 (UTF-8) and base32: 8 characters (6 and 5 bytes, ignoring case
 *   leaves ~5 bits a character); UTF-16 base64: 12 characters (about 4.5 characters of the secret).
 * Applied only to secrets of at least 8 characters (MIN_FRAGMENT_SECRET): below that a 4-character
 * fragment is half the secret and common short strings would be blanked; the first layer still removes the
 * whole secret in every encoding. Server passwords go through the password policy, far longer in practice.
 *
 * Linear: one pass per fragment length (two or three) over the view, one hash lookup per position.
 */

export const MIN_FRAGMENT_SECRET = 8;
export const TEXT_FRAGMENT = 4;
const ENCODED_FRAGMENT = 8;
const UTF16_FRAGMENT = 12;

/** Between pieces of an echo: SMTP continuation prefixes (as received or joined by " / "), QP soft breaks. */
const JOINS = /(?:\r?\n| \/ )\d{3}[ -](?:[245]\.\d{1,3}\.\d{1,3}[ \t]+)?|=\r?\n/g;
const ESCAPED = /^[0-9A-Fa-f]{2}$/;
/** Characters a server may put between the pieces of an echo; dropped from the view and the derived strings. */
const DROPPED = /[\s:,;.|_=-]/;

/** Case folding that keeps one code unit per code unit (so view positions map back one to one). */
function fold(unit: string): string {
  const lower = unit.toLowerCase();
  return lower.length === 1 ? lower : unit;
}

/**
 * The text as matched: folded code units and their spans in `text`, joins and separators left out, and a
 * byte escaped as quoted-printable or URL (`=20`, `%2D`) read as that byte (Latin-1; ASCII is what matters).
 * The derived strings go through the same view, so a secret holding `%00` or `-` literally still matches.
 */
function viewOf(text: string, decode = true): { view: string; at: number[]; end: number[] } {
  const units: string[] = [];
  const at: number[] = [];
  const end: number[] = [];
  const joins = new RegExp(JOINS.source, "g");
  let join = joins.exec(text);
  for (let i = 0; i < text.length; i++) {
    while (join && join.index + join[0].length <= i) join = joins.exec(text);
    if (join && i >= join.index) continue;
    let unit = text[i]!;
    let width = 1;
    if (decode && (unit === "=" || unit === "%") && ESCAPED.test(text.slice(i + 1, i + 3))) {
      unit = String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      width = 3;
    }
    if (!DROPPED.test(unit)) {
      units.push(fold(unit));
      at.push(i);
      end.push(i + width);
    }
    i += width - 1;
  }
  return { view: units.join(""), at, end };
}

/** A derived string as the view reads it: escapes decoded, and as written (a secret holding `%0a` literally). */
const clean = (text: string) => [...new Set([viewOf(text).view, viewOf(text, false).view])];

const rot13 = (s: string) =>
  s.replace(/[a-z]/gi, (c) => {
    const base = c <= "Z" ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });

function base32(bytes: Buffer): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The characters of `encode(pad + bytes)` that depend on `bytes` only, for every alignment of a group of
 * `group` bytes encoded as `chars` characters (base64: 3 → 4, base32: 5 → 8).
 */
function cores(bytes: Buffer, group: number, chars: number, encode: (b: Buffer) => string): string[] {
  const bitsPerChar = (8 * group) / chars;
  const out: string[] = [];
  for (let offset = 0; offset < group; offset++) {
    const encoded = encode(Buffer.concat([Buffer.alloc(offset), bytes])).replace(/=+$/, "");
    out.push(
      encoded.slice(
        Math.ceil((8 * offset) / bitsPerChar),
        Math.floor((8 * (offset + bytes.length)) / bitsPerChar),
      ),
    );
  }
  return out;
}

const base64Cores = (bytes: Buffer) => {
  const std = cores(bytes, 3, 4, (b) => b.toString("base64"));
  return [...std, ...std.map((c) => c.replace(/\+/g, "-").replace(/\//g, "_"))];
};

/** The windows to look for, grouped by fragment length; null when the secret is too short for this layer. */
export function fragmentIndex(secret: string): Map<number, Set<string>> | null {
  if (secret.length < MIN_FRAGMENT_SECRET) return null;
  const utf8 = Buffer.from(secret, "utf8");
  const utf16le = Buffer.from(secret, "utf16le");
  const utf16be = Buffer.from(utf16le).swap16();
  const derived: Array<[number, string]> = [];
  for (const form of [secret, [...secret].reverse().join(""), rot13(secret), utf8.toString("latin1")])
    derived.push([TEXT_FRAGMENT, form]);
  derived.push([2 * TEXT_FRAGMENT, utf8.toString("hex")]);
  for (const core of base64Cores(utf8)) derived.push([ENCODED_FRAGMENT, core]);
  for (const core of cores(utf8, 5, 8, base32)) derived.push([ENCODED_FRAGMENT, core]);
  for (const core of [...base64Cores(utf16le), ...base64Cores(utf16be)]) derived.push([UTF16_FRAGMENT, core]);
  const index = new Map<number, Set<string>>();
  for (const [size, form] of derived) {
    const windows = index.get(size) ?? new Set<string>();
    for (const cleaned of clean(form))
      for (let i = 0; i + size <= cleaned.length; i++) windows.add(cleaned.slice(i, i + size));
    index.set(size, windows);
  }
  return index;
}

/** Spans [start, end) of `text` (UTF-16 offsets) covered by a window of the index, merged and sorted. */
export function fragmentSpans(
  text: string,
  indexes: ReadonlyArray<Map<number, Set<string>>>,
): Array<[number, number]> {
  if (indexes.length === 0) return [];
  const { view, at, end } = viewOf(text);
  const spans: Array<[number, number]> = [];
  for (const index of indexes)
    for (const [size, windows] of index)
      for (let i = 0; i + size <= view.length; i++)
        if (windows.has(view.slice(i, i + size))) spans.push([at[i]!, end[i + size - 1]!]);
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}

/** `text` with every span replaced by `marker`. */
export function replaceSpans(text: string, spans: ReadonlyArray<[number, number]>, marker: string): string {
  let out = "";
  let from = 0;
  for (const [start, end] of spans) {
    out += text.slice(from, start) + marker;
    from = end;
  }
  return out + text.slice(from);
}
