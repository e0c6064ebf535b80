/**
 * Quoted-printable content encoding (RFC 2045 §6.7) in one pass over the UTF-8 bytes.
 *
 * nodemailer's encoder (regex replacements, then a second pass that wraps lines) was the worker's most
 * expensive step after the socket writes in bench/sending; this writes the same encoding straight into a
 * buffer. Rules: printable ASCII except "=" stays as is; space and tab stay unless they end a line; every
 * other byte is `=XX`; encoded lines stay within 76 characters with soft breaks (`=` + CRLF) that never split
 * an `=XX` triplet. Line breaks in the input must be CRLF (they stay hard breaks).
 */
const MAX_LINE = 76; // RFC 2045 §6.7 rule 5, soft-break "=" included
const HEX = "0123456789ABCDEF";
const CR = 13;
const LF = 10;
const EQUALS = 61;

export function encodeQuotedPrintable(text: string): string {
  const input = Buffer.from(text, "utf8");
  // Worst case: every byte as =XX plus a soft break every 25 bytes.
  const out = Buffer.allocUnsafe(input.length * 3 + Math.ceil((input.length * 3) / (MAX_LINE - 1)) * 3 + 3);
  let pos = 0;
  let lineLength = 0;
  const softBreak = () => {
    out[pos++] = EQUALS;
    out[pos++] = CR;
    out[pos++] = LF;
    lineLength = 0;
  };
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === CR && input[i + 1] === LF) {
      out[pos++] = CR;
      out[pos++] = LF;
      lineLength = 0;
      i++;
      continue;
    }
    const endsLine = i + 1 === input.length || (input[i + 1] === CR && input[i + 2] === LF);
    const literal =
      (byte >= 33 && byte <= 126 && byte !== EQUALS) || ((byte === 32 || byte === 9) && !endsLine);
    const width = literal ? 1 : 3;
    // Keep room for the "=" of a soft break, unless this token is the last on its line.
    if (lineLength + width > (endsLine ? MAX_LINE : MAX_LINE - 1)) softBreak();
    if (literal) {
      out[pos++] = byte;
    } else {
      out[pos++] = EQUALS;
      out[pos++] = HEX.charCodeAt(byte >> 4);
      out[pos++] = HEX.charCodeAt(byte & 15);
    }
    lineLength += width;
  }
  return out.toString("latin1", 0, pos);
}
