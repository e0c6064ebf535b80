import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The Node.js flags Facteur runs with in production, read from the `start` script of package.json (the one
 * place they are written), so benchmarks measure the process as `npm start` runs it. Today: the V8 old-space
 * budget (`--max-old-space-size`), which bounds how much garbage V8 lets pile up before collecting; see
 * docs/ARCHITECTURE.md, "Memory budget".
 */
export function shippedNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const flags = pkg.scripts.start?.match(/--max-old-space-size=\d+/g) ?? [];
  if (flags.length === 0) throw new Error("package.json start script: --max-old-space-size not found");
  return flags;
}
