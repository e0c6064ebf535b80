import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { LOOPBACK_TARGETS_ENV } from "./targets.js";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `facteur <args>` from source with its own environment; `input` goes to stdin. */
export function runCli(args: string[], env: Record<string, string>, input = ""): CliResult {
  const result = spawnSync(TSX, [join(ROOT, "src", "cli", "main.ts"), ...args], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      FACTEUR_LOG_LEVEL: "silent",
      ...LOOPBACK_TARGETS_ENV,
      ...env,
    },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
