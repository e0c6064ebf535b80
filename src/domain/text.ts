import { z } from "zod";
import { FacteurError } from "./errors.js";

/**
 * Text fields, declared once for every interface (API, CLI, UI). A value typed by a person or an API client
 * may end up in a mail header (sender name, subject), a protocol line (POP3 `USER`, SMTP `EHLO`), a
 * spreadsheet cell or a PostgreSQL `text` column: control characters there are an injection (or a bug),
 * so they are refused with a coded field issue, never silently cleaned. The check runs on the raw input,
 * before any trimming, so a trailing CR/LF is refused too.
 *
 * - `singleLine`: refuses every C0 control (NUL, TAB, CR, LF…), DEL, the C1 controls (NEL U+0085 among
 *   them), the Unicode line and paragraph separators U+2028/U+2029, and the invisible format characters
 *   (bidi overrides and isolates, direction marks, zero-width space, BOM: `INVISIBLE_FORMAT`).
 * - `multiLine`: bodies and signatures may hold line breaks and other controls (they travel encoded:
 *   quoted-printable or base64); they still refuse NUL, which PostgreSQL cannot store and which spreadsheets
 *   and many parsers cut the text at.
 */
export const TEXT_FIELD_TEXT = {
  CONTROL_CHARACTER: {
    fr: "Retours à la ligne et caractères de contrôle interdits dans ce champ.",
    en: "Line breaks and control characters are not allowed in this field.",
  },
  NUL_CHARACTER: {
    fr: "Le caractère nul (U+0000) n'est pas accepté.",
    en: "The NUL character (U+0000) is not accepted.",
  },
  INVISIBLE_CHARACTER: {
    fr: "Caractères invisibles ou de contrôle du sens d'écriture (U+202E…) interdits dans ce champ.",
    en: "Invisible and text-direction control characters (U+202E…) are not allowed in this field.",
  },
} as const;

/** C0 controls, DEL, C1 controls (NEL included), LINE SEPARATOR and PARAGRAPH SEPARATOR. */
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/**
 * Invisible format characters with no place in a one-line name, refused because they spoof what a reader
 * sees (`A\u202eB` displays reversed in mail clients, the UI, exports, terminals): the bidi embeddings,
 * overrides and isolates (U+202A–U+202E, U+2066–U+2069), the direction marks (U+200E, U+200F, U+061C),
 * zero-width space (U+200B), word joiner and invisible operators (U+2060–U+2064), the byte order mark
 * (U+FEFF), the soft hyphen (U+00AD), the Mongolian vowel separator (U+180E)
 * and the interlinear annotation controls (U+FFF9–U+FFFB). ZWNJ U+200C and ZWJ U+200D stay: emoji
 * sequences and Persian or Indic spelling need them.
 */
export const INVISIBLE_FORMAT =
  /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/;
/** Everything a single-line field refuses: the controls above and the invisible format characters. */
export const SINGLE_LINE_FORBIDDEN = new RegExp(`${CONTROLS.source}|${INVISIBLE_FORMAT.source}`);
/** NUL only: the one character no store and no text format can carry. */
// eslint-disable-next-line no-control-regex
export const MULTI_LINE_FORBIDDEN = /\u0000/;

/** The schemas declared multi-line: the injection test expects CR/LF refused everywhere else. */
export const MULTI_LINE_SCHEMAS = new WeakSet<z.ZodType>();

export function hasControlCharacter(value: string): boolean {
  return SINGLE_LINE_FORBIDDEN.test(value);
}

function controlCheck(forbidden: RegExp) {
  return (value: string, ctx: z.RefinementCtx) => {
    const match = forbidden.exec(value);
    if (match) {
      const code =
        match[0] === "\u0000"
          ? "NUL_CHARACTER"
          : INVISIBLE_FORMAT.test(match[0])
            ? "INVISIBLE_CHARACTER"
            : "CONTROL_CHARACTER";
      ctx.addIssue({ code: "custom", params: { code }, message: TEXT_FIELD_TEXT[code].en });
    }
  };
}

/** A string refusing control characters and line breaks; chain `.trim()`, `.min()`, `.max()` after it. */
export function singleLine(): z.ZodString {
  return z.string().superRefine(controlCheck(SINGLE_LINE_FORBIDDEN));
}

/** A required single-line text: no control character, trimmed, 1 to `max` characters. */
export function singleLineText(max: number): z.ZodString {
  return singleLine().trim().min(1).max(max);
}

/** A text that may span lines (message body, HTML signature): anything but NUL. */
export function multiLine(max?: number): z.ZodString {
  const base = z.string().superRefine(controlCheck(MULTI_LINE_FORBIDDEN));
  const schema = max === undefined ? base : base.max(max);
  return declareMultiLine(schema);
}

/** Marks a string schema that may legitimately hold line breaks (base64 with line breaks, bodies). */
export function declareMultiLine<T extends z.ZodType>(schema: T): T {
  MULTI_LINE_SCHEMAS.add(schema);
  return schema;
}

/**
 * For services handed already-typed input (createServer, updateServer): refuses any of these fields holding
 * what a single-line field refuses, with the same field issues as the schema. A caller that skipped the
 * schema (a new interface, a script) is held to it too.
 */
export function assertSingleLineFields(fields: Record<string, string | null | undefined>): void {
  const issues = Object.entries(fields).flatMap(([path, value]) => {
    if (typeof value !== "string") return [];
    const result = singleLine().safeParse(value);
    if (result.success) return [];
    const code = (result.error.issues[0] as { params?: { code?: keyof typeof TEXT_FIELD_TEXT } }).params
      ?.code;
    return code ? [{ path, code, ...TEXT_FIELD_TEXT[code] }] : [];
  });
  if (issues.length > 0) throw new FacteurError("VALIDATION_FAILED", { details: issues });
}
