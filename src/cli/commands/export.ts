import type { Command } from "commander";

/** Commands of the export capability (`facteur servers export`). */
export function register(_program: Command): void {}
