import fc from "fast-check";

/** Strings attackers and broken clients send: markup, script URLs, formulas, control and odd Unicode. */
export const HOSTILE_STRINGS = [
  "<script>alert(1)</script>",
  `"><img src=x onerror=alert(1)>`,
  "<svg/onload=alert(1)>",
  "<iframe src=javascript:alert(1)>",
  "javascript:alert(1)",
  '<a href="javascript:alert(1)">x</a>',
  "'; DROP TABLE smtp_servers; --",
  "' OR '1'='1",
  "%' OR 1=1 --",
  "\\",
  "%",
  "_",
  "../../../../etc/passwd",
  "{{7*7}}",
  "${7*7}",
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example","x")',
  "+1+1",
  "-2+3",
  "@SUM(1)",
  "\t=1",
  "\r=1",
  "\u0000",
  "\uFEFF",
  "\u202Egnp.exe",
  "\uD800",
  "😀".repeat(300),
  "a".repeat(70_000),
  "__proto__",
  "constructor",
  "NaN",
  "1e309",
  "-0",
  "]]><!--",
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  "%s%s%s%n",
  "169.254.169.254",
  "[fe80::1]",
  // Ids past PostgreSQL's 32-bit integer (red-team finding 2: 500 on PostgreSQL, 404 on SQLite).
  "2147483648",
  "3000000000",
  "9007199254740993",
  "-2147483649",
];

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string()).map(([a, b]) => a + b),
  },
);

/** Any JSON-ish value, hostile strings included (numbers at the edges, nesting, prototype keys). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    fc.integer(),
    fc.constantFrom(0, -1, 2 ** 31, 3_000_000_000, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, 1e-300, 65536, 0.5),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom("__proto__", "constructor")), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

/** An object whose keys are the given fields (any subset) and whose values are hostile. */
export function hostileRecord(fields: string[], value: fc.Arbitrary<unknown> = hostileValue) {
  return fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: fields.length });
}

/** A query string built from hostile values (keys from `fields` plus random ones). */
export function hostileQuery(fields: string[]) {
  return fc
    .dictionary(fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 10 })), hostileString, {
      maxKeys: 6,
    })
    .map((params) => {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) search.append(k, v.slice(0, 2_000));
      return search.toString();
    });
}
