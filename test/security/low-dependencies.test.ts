import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../e2e/harness.js";

interface Lock {
  packages: Record<string, { version?: string; engines?: Record<string, string> | string[]; dev?: boolean }>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as Lock;

type Version = [number, number, number];
function parse(text: string): Version | null {
  const m = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?/.exec(text.trim());
  if (!m) return null;
  return [m[1], m[2], m[3]].map((p) => (p === undefined || /[xX*]/.test(p) ? -1 : Number(p))) as Version;
}
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
/** Enough of semver ranges for `engines.node`: ||, space-joined comparators, ^, ~, >=, >, <=, <, =, 20, 20.x. */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version)!;
  const normalised = range.replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1"); // ">= 10" is ">=10"
  return normalised.split("||").some((alternative) => {
    const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alternative); // "1.2 - 3" is ">=1.2 <=3"
    if (hyphen) alternative = `>=${hyphen[1]} <=${hyphen[2]}`;
    const parts = alternative.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0 || parts[0] === "*") return true;
    return parts.every((part) => {
      const op = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(part)!;
      const bound = parse(op[2]!);
      if (!bound) return false;
      const full = bound.map((n) => (n < 0 ? 0 : n)) as Version;
      switch (op[1]) {
        case ">=":
          return compare(v, full) >= 0;
        case ">":
          return compare(v, full) > 0;
        case "<=":
          return compare(v, full) <= 0;
        case "<":
          return compare(v, full) < 0;
        case "^":
          return compare(v, full) >= 0 && v[0] === full[0];
        case "~":
          return compare(v, full) >= 0 && v[0] === full[0] && v[1] === full[1];
        default: // exact, or partial (20 = 20.x.x)
          return bound.every((n, i) => n < 0 || n === v[i]);
      }
    });
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

describe("dependencies", () => {
  it("the range checker is right on the forms engines use", () => {
    expect(satisfies("20.19.0", ">=22")).toBe(false);
    expect(satisfies("20.19.0", "^20.19.0 || >=22.12.0")).toBe(true);
    expect(satisfies("20.19.0", "^18.18.0 || ^20.9.0 || >=21.1.0")).toBe(true);
    expect(satisfies("20.19.0", "20 || >=22")).toBe(true);
    expect(satisfies("20.19.0", ">=20.19.0 <21")).toBe(true);
    expect(satisfies("20.18.9", ">=20.19.0")).toBe(false);
    expect(satisfies("20.19.0", ">= 10")).toBe(true);
    expect(satisfies("20.19.0", "16 - 18")).toBe(false);
  });

  it("installs no package whose engines exclude the Node versions Facteur supports (>=20.19)", () => {
    expect(pkg.engines.node).toBe(">=20.19.0");
    const refused = Object.entries(lock.packages)
      .filter(([path, entry]) => path && entry.engines && !Array.isArray(entry.engines) && entry.engines.node)
      .filter(([, entry]) => !satisfies("20.19.0", (entry.engines as Record<string, string>).node!))
      .map(
        ([path, entry]) =>
          `${path}@${entry.version} engines.node ${(entry.engines as Record<string, string>).node}`,
      );
    expect(refused).toEqual([]);
  });

  it("declares no production dependency that nothing in src/ or bin/ imports", () => {
    const code = [...sourceFiles(join(REPO_ROOT, "src")), ...sourceFiles(join(REPO_ROOT, "bin"))]
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
    const unused = Object.keys(pkg.dependencies).filter((name) => {
      const quoted = name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      return !new RegExp(`(from\\s+|import\\(\\s*|require\\(\\s*)["']${quoted}(/[^"']*)?["']`).test(code);
    });
    expect(unused).toEqual([]);
  });
});
