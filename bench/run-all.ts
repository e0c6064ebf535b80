/**
 * `npm run bench`: runs every `bench/<name>/run.ts`, one after the other (they measure latency: running
 * them side by side would measure each other). Stops with a non-zero code if one fails, after running all.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

const BENCH_DIR = import.meta.dirname;
const ROOT = join(BENCH_DIR, "..");
const only = process.argv.slice(2);

const names = readdirSync(BENCH_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(BENCH_DIR, entry.name, "run.ts")))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

const failed: string[] = [];
for (const name of names) {
  console.log(`\n=== bench/${name} ===`);
  const started = Date.now();
  const result = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(BENCH_DIR, name, "run.ts")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed.push(name);
  console.log(`=== bench/${name}: ${result.status === 0 ? "done" : "FAILED"} in ${seconds} s ===`);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join(", ")}`);
  process.exitCode = 1;
}
