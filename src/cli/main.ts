import { CommanderError } from "./commander.js";
import { buildProgram } from "./program.js";
import { EXIT } from "./runtime.js";

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : EXIT.USAGE);
  throw error;
}
