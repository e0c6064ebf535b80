import type { Command } from "commander";

/** Commands of the diagnostics capability. */
export function register(_program: Command): void {}
