import sanitizeHtml from "sanitize-html";

/**
 * Signatures are HTML typed by admins and shown to every recipient: keep formatting, drop anything active.
 * Images may point to the server's own logo (`cid:logo`) or to https URLs; no scripts, styles sheets, forms,
 * event handlers or javascript: links survive.
 */
export const SIGNATURE_SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "div",
    "span",
    "b",
    "strong",
    "i",
    "em",
    "u",
    "s",
    "small",
    "a",
    "img",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "font",
  ],
  allowedAttributes: {
    a: ["href", "title", "target", "rel"],
    img: ["src", "alt", "width", "height", "style"],
    "*": ["style", "align"],
    font: ["color", "face", "size"],
    td: ["colspan", "rowspan", "width", "valign", "style"],
    table: ["width", "cellpadding", "cellspacing", "border", "style"],
  },
  allowedSchemes: ["https", "http", "mailto", "tel"],
  allowedSchemesByTag: { img: ["https", "cid"] },
  allowedStyles: {
    "*": {
      color: [/^#[0-9a-f]{3,8}$/i, /^rgb\(\s*\d+\s*,\s*\d+\s*,\s*\d+\s*\)$/i, /^[a-z]+$/i],
      "font-size": [/^\d+(?:px|pt|em|%)$/],
      "font-weight": [/^(bold|normal|\d{3})$/],
      "font-style": [/^(italic|normal)$/],
      "font-family": [/^[\w\s,"'-]+$/],
      "text-align": [/^(left|right|center|justify)$/],
      "text-decoration": [/^(underline|none|line-through)$/],
      width: [/^\d+(?:px|%)$/],
      height: [/^\d+(?:px|%)$/],
      margin: [/^[\d\s.px]+$/],
      padding: [/^[\d\s.px]+$/],
    },
  },
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer" }),
  },
};

export function sanitizeSignature(html: string): string {
  return sanitizeHtml(html, SIGNATURE_SANITIZE_OPTIONS).trim();
}

/** A plain-text rendering of the signature for the text/plain part of messages. */
export function signatureToText(html: string): string {
  const withBreaks = html.replace(/<\s*br\s*\/?>/gi, "\n").replace(/<\/(p|div|tr|li|h\d)>/gi, "\n");
  return sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
