import { createRequire } from "node:module";

/**
 * commander, loaded with `require`: an ES module importing a CommonJS package makes Node scan the package's
 * source for its export names first (about 10 ms of every `facteur` run, `--help` included). `require` gives
 * the same module instance as `import … from "commander"` (one CommonJS cache), so `instanceof` holds across
 * both.
 */
const commander = createRequire(import.meta.url)("commander") as typeof import("commander");

export const { Command, CommanderError, InvalidArgumentError, Option } = commander;
export type Command = import("commander").Command;
export type CommanderError = import("commander").CommanderError;
export type InvalidArgumentError = import("commander").InvalidArgumentError;
export type Option = import("commander").Option;
