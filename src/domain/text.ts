import { z } from "zod";

/**
 * Text fields, declared once for every interface (API, CLI, UI). A value typed by a person or an API client
 * may end up in a mail header (sender name, subject), a protocol line (POP3 `USER`, SMTP `EHLO`), a
 * spreadsheet cell or a PostgreSQL `text` column: control characters there are an injection (or a bug),
 * so they are refused with a coded field issue, never silently cleaned. The check runs on the raw input,
 * before any trimming, so a trailing CR/LF is refused too.
 *
 * - `singleLine`: refuses every C0 control (NUL, TAB, CR, LF…), DEL, the C1 controls (NEL U+0085 among
 *   them) and the Unicode line and paragraph separators U+2028/U+2029.
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
} as const;

/** C0 controls, DEL, C1 controls (NEL included), LINE SEPARATOR and PARAGRAPH SEPARATOR. */
// eslint-disable-next-line no-control-regex
export const SINGLE_LINE_FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
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
      const code = match[0] === "\u0000" ? "NUL_CHARACTER" : "CONTROL_CHARACTER";
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
