import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../e2e/harness.js";

const build = (...args: string[]): string =>
  execFileSync("node", ["scripts/build.mjs", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 240_000,
  });

describe("npm run build / npm start", () => {
  it("does not rebuild the UI when nothing changed, and says so", () => {
    build("--only", "web");
    const index = join(REPO_ROOT, "web", "dist", "index.html");
    const before = statSync(index).mtimeMs;
    const stamp = readFileSync(join(REPO_ROOT, "web", "dist", ".build-stamp"), "utf8");
    const again = build("--only", "web");
    expect(again).toMatch(/web: à jour \/ up to date/);
    expect(statSync(index).mtimeMs).toBe(before);
    expect(readFileSync(join(REPO_ROOT, "web", "dist", ".build-stamp"), "utf8")).toBe(stamp);
  }, 300_000);

  it("hashes the inputs: any change to a file of src/ or web/ makes the UI stale", async () => {
    // @ts-expect-error: a plain .mjs script without type declarations
    const { inputsHash, STEPS } = (await import("../../scripts/build.mjs")) as {
      inputsHash(step: string): string;
      STEPS: Record<string, { inputs: string[] }>;
    };
    expect(inputsHash("web")).toBe(inputsHash("web"));
    expect(STEPS.web?.inputs).toEqual(expect.arrayContaining(["web", "src", "package-lock.json"]));
    expect(STEPS.server?.inputs).toEqual(expect.arrayContaining(["src", "tsconfig.build.json"]));
  });
});
