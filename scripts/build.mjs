#!/usr/bin/env node
// Builds what is stale, and only that: the server (tsc → dist/) and the admin UI (vite → web/dist/).
// Each output keeps a stamp: the SHA-256 of its inputs (paths and contents). When the inputs have not changed
// since the last build, the step is skipped, so `npm start` starts at once on an unchanged clone.
// Usage: node scripts/build.mjs [--only server|web] [--force]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import console from "node:console";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SHARED = ["package-lock.json", "tsconfig.json"];

/** What each output is built from, and how. */
export const STEPS = {
  server: {
    inputs: ["src", "tsconfig.build.json", ...SHARED],
    out: "dist",
    run: () => {
      rmSync(join(root, "dist"), { recursive: true, force: true }); // no module left over from a rename
      execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });
    },
  },
  web: {
    // The UI imports the shared zod schemas and locale files from src/.
    inputs: ["web", "src", ...SHARED],
    out: "web/dist",
    run: () =>
      execFileSync("npx", ["vite", "build", "--config", "web/vite.config.ts", "--logLevel", "error"], {
        cwd: root,
        stdio: "inherit",
      }),
  },
};

function files(path) {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((entry) => entry.name !== "dist" && entry.name !== "node_modules")
    .flatMap((entry) => files(join(path, entry.name)));
}

export function inputsHash(step) {
  const hash = createHash("sha256");
  for (const file of [...new Set(STEPS[step].inputs.flatMap(files))].sort()) {
    hash.update(`${relative(root, join(root, file))}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** One build at a time (test files build the UI in parallel): a directory made atomically is the lock. */
async function withLock(fn) {
  const lock = join(root, ".tmp", "build.lock");
  mkdirSync(join(root, ".tmp"), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 10 * 60_000)
        rmSync(lock, { recursive: true, force: true }); // left by a killed build
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : null;
  if (only !== null && !(only in STEPS)) throw new Error(`--only server|web, not ${only}`);
  const force = args.includes("--force");
  await withLock(async () => {
    for (const step of Object.keys(STEPS)) {
      if (only !== null && step !== only) continue;
      const stamp = join(root, STEPS[step].out, ".build-stamp");
      const hash = inputsHash(step);
      const current = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
      if (!force && current === hash) {
        console.log(`${step}: à jour / up to date (${STEPS[step].out})`);
        continue;
      }
      STEPS[step].run();
      writeFileSync(stamp, `${hash}\n`);
    }
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
