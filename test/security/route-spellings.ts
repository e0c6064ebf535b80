/** One way to ask for a route over HTTP/1.x. `{origin}` in the target stands for `http://host:port`. */
export interface Spelling {
  method: string;
  target: string;
  version: "HTTP/1.1" | "HTTP/1.0";
  withBody: boolean;
}

const hex = (char: string) => char.charCodeAt(0).toString(16).padStart(2, "0");

/** The path with one character percent-encoded, at every position, in upper- and lower-case hex. */
function singleEncodings(path: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const code = hex(path[i]!);
    for (const h of new Set([code.toUpperCase(), code.toLowerCase()]))
      out.push(`${path.slice(0, i)}%${h}${path.slice(i + 1)}`);
  }
  return out;
}

/** Every `/` in turn doubled, dotted, `;`-parametered, encoded as an overlong UTF-8 or a backslash. */
function slashVariants(path: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < path.length; i++) {
    if (path[i] !== "/") continue;
    const [head, tail] = [path.slice(0, i), path.slice(i + 1)];
    out.push(`${head}//${tail}`, `${head}/./${tail}`, `${head}/zz/../${tail}`, `${head}/%2e/${tail}`);
    out.push(`${head}/zz/%2E%2E/${tail}`, `${head}%2F${tail}`, `${head}%2f${tail}`, `${head}\\${tail}`);
    out.push(`${head}%C0%AF${tail}`, `${head};x=1/${tail}`);
  }
  return out.filter((p) => p.startsWith("/") || p.startsWith("%") || p.startsWith("\\"));
}

function caseVariants(path: string): string[] {
  const swap = [...path].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
  const capitalised = path.replace(/\/(\w)/g, (_m, c: string) => `/${c.toUpperCase()}`);
  return [path.toUpperCase(), swap, capitalised];
}

/**
 * Many spellings of one route's path for its method: encodings, case, slashes, dot segments, trailing slash,
 * `;` parameters, query and fragment, absolute-form targets, HTTP/1.0, HEAD and OPTIONS, with and without a body.
 */
export function spellings(method: string, path: string): Spelling[] {
  const hasBody = !["GET", "HEAD", "DELETE", "OPTIONS"].includes(method);
  const paths = new Set<string>([
    path,
    ...singleEncodings(path),
    ...slashVariants(path),
    ...caseVariants(path),
    `${path}/`,
    `${path}/.`,
    `${path};`,
    `${path};x=1`,
    `${path}?x=1`,
    `${path}#x`,
    `${path}%00`,
    `${path}%20`,
    `/.${path}`,
    `/../..${path}`,
    `${path}/..${path}`,
  ]);
  const out: Spelling[] = [];
  const add = (m: string, target: string, version: Spelling["version"] = "HTTP/1.1", withBody = hasBody) =>
    out.push({ method: m, target, version, withBody });
  if (method === "HEAD") {
    // HEAD shares its GET's route: the GET spellings cover the paths; a few here check the method itself.
    for (const p of [path, `${path}/`, singleEncodings(path)[1]!, `{origin}${path}`]) add("HEAD", p);
    add("HEAD", path, "HTTP/1.0");
    return out;
  }
  for (const p of paths) add(method, p);
  // Absolute-form request targets (RFC 9112 §3.2.2), including encoded and other-host forms.
  for (const origin of ["{origin}", "http://EXAMPLE.ORG", "HTTP://127.0.0.1"])
    for (const p of [path, singleEncodings(path)[1]!, `${path}/`]) add(method, `${origin}${p}`);
  // HTTP/1.0, and the body-or-not twins of the plain path.
  for (const p of [path, singleEncodings(path)[1]!]) add(method, p, "HTTP/1.0");
  add(method, path, "HTTP/1.1", !hasBody);
  add(method, singleEncodings(path)[1]!, "HTTP/1.1", !hasBody);
  // Other methods on the same path: HEAD, OPTIONS (with and without a body).
  for (const other of ["HEAD", "OPTIONS"]) {
    add(other, path, "HTTP/1.1", false);
    add(other, singleEncodings(path)[1]!, "HTTP/1.1", false);
    add(other, path, "HTTP/1.1", true);
  }
  return out;
}
