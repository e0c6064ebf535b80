import type { Command } from "commander";

/** Commands of the confirmation capability. */
export function register(_program: Command): void {}
