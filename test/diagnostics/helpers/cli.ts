import { spawn } from "node:child_process";
import { join } from "node:path";
import { LOOPBACK_TARGETS_ENV } from "../../helpers/targets.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/**
 * Runs `facteur <args>` from source without blocking the event loop (the test's own mail servers run in
 * this process, so test/helpers/cli.ts's spawnSync would deadlock them).
 */
export function runCliAsync(
  args: string[],
  input: string,
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, [join(ROOT, "src", "cli", "main.ts"), ...args], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        FACTEUR_LOG_LEVEL: "silent",
        FACTEUR_DATA_DIR: "/tmp/facteur-cli-test",
        ...LOOPBACK_TARGETS_ENV,
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
