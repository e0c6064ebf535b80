import type { Command } from "commander";

/**
 * Checks (and normalises) the address options of `command` once they are parsed, before its action runs.
 * The address rules live with the zod schemas (src/domain/smtp-server.ts), which are too heavy to load for
 * every `facteur` run: they are imported only when one of these options was given. A refused address ends
 * like a refused argument parser (same message, help after it, usage exit code).
 */
export function checkEmailOptions(command: Command, longFlags: readonly string[]): void {
  command.hook("preAction", async () => {
    const given = command.options.filter(
      (option) =>
        option.long !== undefined &&
        longFlags.includes(option.long) &&
        command.getOptionValue(option.attributeName()) !== undefined,
    );
    if (given.length === 0) return;
    const { emailSchema } = await import("../../domain/smtp-server.js");
    for (const option of given) {
      const value = String(command.getOptionValue(option.attributeName()));
      const parsed = emailSchema.safeParse(value);
      if (!parsed.success)
        command.error(
          `error: option '${option.flags}' argument '${value}' is invalid. adresse invalide / invalid address: ${value}`,
          { exitCode: 1, code: "commander.invalidArgument" },
        );
      command.setOptionValue(option.attributeName(), parsed.data);
    }
  });
}
