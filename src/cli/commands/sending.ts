import type { Command } from "commander";

/** Commands of the sending capability. */
export function register(_program: Command): void {}
