import { CommanderError } from "./commander.js";
import type { AppContext } from "../app/context.js";
import { cliLang, t } from "./messages.js";

// Loading this module (and every command declaration) must stay cheap: `facteur --help` imports it. The
// database, configuration and services are imported by the actions that use them, when they run.

export { cliLang };

/** Exit codes of every command: scripts can tell bad input from an unreachable server. */
export const EXIT = {
  OK: 0,
  FAILURE: 1, // the operation ran and failed (test failed, message refused…)
  USAGE: 2, // bad arguments or input
  NOT_FOUND: 3,
  CONFLICT: 4,
  INTERNAL: 70, // EX_SOFTWARE of sysexits.h
} as const;

/** Runs `action` with a migrated context on the configured database, then closes it; maps errors to exit codes. */
export async function withContext<T>(action: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openContext();
  try {
    return await action(ctx);
  } finally {
    await ctx.close();
  }
}

/** A context on the configured database (migrated unless `migrate: false`), logging at FACTEUR_LOG_LEVEL. */
export async function openContext(
  options: { migrate?: boolean; logLevel?: string } = {},
): Promise<AppContext> {
  const [{ createContext }, { createLogger }, { loadConfig }] = await Promise.all([
    import("../app/context.js"),
    import("../app/logger.js"),
    import("../config/config.js"),
  ]);
  const config = loadConfig();
  return createContext(config, {
    logger: createLogger(options.logLevel ?? process.env.FACTEUR_LOG_LEVEL ?? "warn"),
    ...(options.migrate === false ? { migrate: false } : {}),
  });
}

/** Prints an error in the CLI language (details per field) and sets the exit code. */
export async function reportError(error: unknown): Promise<void> {
  const { isFacteurError } = await import("../domain/errors.js");
  const lang = cliLang();
  if (isFacteurError(error)) {
    console.error(`${t("error.prefix", {}, lang)} [${error.code}] ${error.localized(lang)}`);
    for (const d of error.details ?? []) console.error(`  - ${d.path || "(body)"}: ${d[lang]}`);
    process.exitCode =
      error.status === 404
        ? EXIT.NOT_FOUND
        : error.status === 409
          ? EXIT.CONFLICT
          : error.status < 500
            ? EXIT.USAGE
            : EXIT.FAILURE;
    return;
  }
  if (error instanceof CommanderError) {
    // A bad argument found inside an action (an id checked there, say) is a usage error like any other.
    console.error(error.message);
    process.exitCode = EXIT.USAGE;
    return;
  }
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = EXIT.INTERNAL;
}

/** Wraps a commander action so thrown errors become a message and an exit code, never a stack trace. */
export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      await reportError(error);
    }
  };
}

/** Reads all of stdin (for passwords and message bodies); empty string when stdin is a TTY. */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return "";
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a secret: from stdin when piped, else from a prompt that does not echo. */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).replace(/\r?\n$/, "");
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput?: (s: string) => void };
  process.stdout.write(prompt);
  output._writeToOutput = () => {}; // no echo while typing the secret
  const answer = await rl.question("");
  rl.close();
  process.stdout.write("\n");
  return answer;
}

/** Prints rows as an aligned text table. */
export function printTable(
  rows: Array<Record<string, unknown>>,
  columns: Array<{ key: string; label: string }>,
): void {
  const cells = rows.map((row) => columns.map((c) => String(row[c.key] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.label.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  console.log(line(columns.map((c) => c.label)));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const r of cells) console.log(line(r));
}
