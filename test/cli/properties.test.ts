import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CommanderError, type Command } from "commander";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { EXIT } from "../../src/cli/runtime.js";
import { hostileString } from "../security/hostile.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";

/**
 * The CLI's parsers under hostile arguments, in-process (the same command tree as `facteur`): random and
 * malicious values for every argument and option of the registry, departments, messages, sending, domains and
 * API key commands. Whatever comes in, a command ends with a usage error or an exit code of the documented
 * set, never an internal error (70) or a stack trace. FACTEUR_LONG=1 multiplies the runs.
 */
const RUNS = process.env.FACTEUR_LONG === "1" ? 1_000 : 150;
const ALLOWED_EXIT = new Set<number>([EXIT.OK, EXIT.FAILURE, EXIT.USAGE, EXIT.NOT_FOUND, EXIT.CONFLICT]);

// CLI arguments cannot hold NUL (execve strings end there); everything else may reach the parser.
const arg = hostileString.map((s) => s.replaceAll("\u0000", ""));
const id = fc.oneof(
  arg,
  fc.integer({ min: -5, max: 1_000_000 }).map(String),
  fc.constantFrom("1", "0", "-1", "1e3", "0x10"),
);
const maybe = (name: string, value: fc.Arbitrary<string> = arg) =>
  fc
    .option(
      value.map((v) => [name, v]),
      { nil: undefined },
    )
    .map((pair) => pair ?? []);
const flag = (name: string) => fc.boolean().map((on) => (on ? [name] : []));
const join_ = (...parts: Array<fc.Arbitrary<string[]>>) => fc.tuple(...parts).map((p) => p.flat());
const fixed = (...words: string[]) => fc.constant(words);

const argv: fc.Arbitrary<string[]> = fc.oneof(
  join_(
    fixed("servers", "list"),
    maybe("--search"),
    maybe("--sort"),
    maybe("--order"),
    maybe("--page", id),
    maybe("--page-size", id),
    flag("--json"),
  ),
  join_(
    fixed("servers", "show"),
    id.map((v) => [v]),
    flag("--json"),
  ),
  join_(
    fixed("servers", "remove"),
    id.map((v) => [v]),
  ),
  join_(
    fixed("servers", "update"),
    id.map((v) => [v]),
    maybe("--title"),
    maybe("--host"),
    maybe("--port", id),
    maybe("--auth"),
    maybe("--security"),
    maybe("--mail"),
    maybe("--sender-name"),
    maybe("--username"),
    maybe("--usage"),
    maybe("--departments"),
    maybe("--priority", id),
    maybe("--expect-version", id),
  ),
  join_(
    fixed("servers", "add"),
    maybe("--title"),
    maybe("--host"),
    maybe("--port", id),
    maybe("--security"),
    maybe("--mail"),
    flag("--password-stdin"),
  ),
  join_(fixed("departments", "list"), flag("--json")),
  join_(
    fixed("departments", "add"),
    arg.map((v) => [v]),
  ),
  join_(
    fixed("departments", "rename"),
    id.map((v) => [v]),
    arg.map((v) => [v]),
  ),
  join_(
    fixed("departments", "remove"),
    id.map((v) => [v]),
  ),
  join_(
    fixed("messages", "list"),
    maybe("--recipient"),
    maybe("--status"),
    maybe("--server", id),
    maybe("--page", id),
    flag("--json"),
  ),
  join_(
    fixed("messages", "show"),
    id.map((v) => [v]),
  ),
  join_(
    fixed("send"),
    maybe("--to"),
    maybe("--cc"),
    maybe("--subject"),
    maybe("--text"),
    maybe("--from"),
    maybe("--from-name"),
    maybe("--department"),
    maybe("--server", id),
    maybe("--idempotency-key"),
  ),
  join_(fixed("domains", "list"), flag("--json")),
  join_(
    fixed("domains", "show"),
    arg.map((v) => [v]),
  ),
  join_(
    fixed("domains", "remove"),
    arg.map((v) => [v]),
  ),
  join_(
    fixed("domains", "add"),
    arg.map((v) => [v]),
    maybe("--display-name"),
    maybe("--imap"),
    maybe("--smtp"),
    maybe("--username"),
  ),
  join_(
    fixed("apikeys", "revoke"),
    id.map((v) => [v]),
  ),
  // Anything at all after the program name.
  fc.array(arg, { maxLength: 4 }),
);

function quiet(command: Command): void {
  command.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  command.commands.forEach(quiet);
}

describe("CLI parsers under hostile arguments", () => {
  const saved = { ...process.env };
  let dir: string;
  let stdin: PropertyDescriptor | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "facteur-cli-props-"));
    process.env.FACTEUR_DATA_DIR = dir;
    process.env.FACTEUR_DATABASE_URL = `sqlite:${join(dir, "facteur.db")}`;
    process.env.FACTEUR_LOG_LEVEL = "silent";
    process.env.FACTEUR_WORKER = "off";
    Object.assign(process.env, LOOPBACK_TARGETS_ENV);
    // Commands that read a password or a body from stdin get an empty, ended stream.
    stdin = Object.getOwnPropertyDescriptor(process, "stdin");
    Object.defineProperty(process, "stdin", { value: Readable.from([]), configurable: true });
  });
  afterAll(() => {
    if (stdin) Object.defineProperty(process, "stdin", stdin);
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("ends every command with a usage error or a documented exit code, never an internal error", async () => {
    const printed: string[] = [];
    const log = vi
      .spyOn(console, "log")
      .mockImplementation((...a: unknown[]) => void printed.push(a.join(" ")));
    const error = vi
      .spyOn(console, "error")
      .mockImplementation((...a: unknown[]) => void printed.push(a.join(" ")));
    const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    let tried = 0;
    const outcomes = new Map<string, number>();
    try {
      await fc.assert(
        fc.asyncProperty(argv, async (args) => {
          tried++;
          printed.length = 0;
          process.exitCode = undefined;
          const program = buildProgram();
          quiet(program);
          try {
            await program.parseAsync(["node", "facteur", ...args]);
          } catch (thrown) {
            // commander's own refusals (unknown option, missing argument…) become EXIT.USAGE in main.ts.
            expect(thrown, String(thrown)).toBeInstanceOf(CommanderError);
            process.exitCode = (thrown as CommanderError).exitCode === 0 ? 0 : EXIT.USAGE;
          }
          const code = Number(process.exitCode ?? 0);
          outcomes.set(String(code), (outcomes.get(String(code)) ?? 0) + 1);
          expect(ALLOWED_EXIT.has(code), `${JSON.stringify(args)} → ${code}: ${printed.join("\n")}`).toBe(
            true,
          );
          expect(printed.join("\n")).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
        }),
        { numRuns: RUNS },
      );
    } finally {
      log.mockRestore();
      error.mockRestore();
      write.mockRestore();
      process.exitCode = undefined;
    }
    console.log(
      `[cli-properties] argument lists tried ${tried}, exit codes ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    expect(tried).toBeGreaterThanOrEqual(RUNS);
    // Not only parse errors: commands ran against the database and succeeded or refused the data.
    expect(outcomes.get("0") ?? 0).toBeGreaterThan(0);
    expect((outcomes.get("2") ?? 0) + (outcomes.get("3") ?? 0)).toBeGreaterThan(0);
  }, 300_000);
});
