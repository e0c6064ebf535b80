import type { Command } from "commander";

/** Commands of the setup capability. */
export function register(_program: Command): void {}
