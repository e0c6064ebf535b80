import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { CommanderError, type Command } from "commander";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildProgram } from "../../src/cli/program.js";
import { EXIT } from "../../src/cli/runtime.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { parseOrThrow } from "../../src/domain/validation.js";
import { createDepartment, renameDepartment } from "../../src/registry/department.service.js";
import { createServer, updateServer } from "../../src/registry/server.service.js";
import { STORE_KINDS, TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { runCli } from "../helpers/cli.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";

/**
 * Red-team finding 7, as a class: every CLI command that stores text a person typed refuses what the API
 * refuses (line breaks, terminal escapes, controls, bidi overrides) with exit 2, and stores nothing. The CLI
 * passed `departments add/rename` names straight to the service, which checked nothing, so
 * `facteur departments add $'Vente\r\nBcc: x@evil.fr'` stored the name (exit 0), and an OSC escape in a name
 * then ran in every admin's terminal at `departments list`. The services now validate themselves, whatever
 * the interface. (CLI arguments cannot hold NUL: execve strings end there.) The full matrix runs the
 * command tree in-process (the same `buildProgram` as `facteur`; a spawned CLI costs ~2 s per run here); the
 * departments commands the red team used also run as the real `facteur` process.
 */
const HOSTILE = [
  "Vente\r\nBcc: x@evil.fr",
  "Compta\u001b]0;pwned\u0007",
  "Vente\u001b[31mRED",
  "x\ny",
  "Vente\r\n", // trailing: must be refused, not trimmed into a valid value
  "Vente\u2028x",
  "A\u202eB", // RIGHT-TO-LEFT OVERRIDE
  "A\u200bB", // ZERO WIDTH SPACE
];
const ADMIN_PASSWORD = "Tr0ub4dor&3-Secret-Admin-2026";

const REFUSAL_TEXT =
  /Line breaks and control characters|Invisible and text-direction|MESSAGE_HEADER_INJECTION/;

function quiet(command: Command): void {
  command.configureOutput({ writeOut: () => {}, writeErr: () => {} });
  command.commands.forEach(quiet);
}

/** Runs `facteur <args>` in-process with `input` on stdin; returns the exit code and everything printed. */
async function cli(args: string[], input = ""): Promise<{ status: number; out: string }> {
  const printed: string[] = [];
  const log = vi
    .spyOn(console, "log")
    .mockImplementation((...a: unknown[]) => void printed.push(a.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...a: unknown[]) => void printed.push(a.join(" ")));
  const write = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  Object.defineProperty(process, "stdin", {
    value: Readable.from([Buffer.from(input)]),
    configurable: true,
  });
  process.exitCode = undefined;
  try {
    const program = buildProgram();
    quiet(program);
    await program.parseAsync(["node", "facteur", ...args]);
  } catch (thrown) {
    if (!(thrown instanceof CommanderError)) throw thrown;
    process.exitCode = thrown.exitCode === 0 ? 0 : EXIT.USAGE;
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
  const status = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { status, out: printed.join("\n") };
}
describe("the CLI refuses hostile text in every command that stores text (exit 2, nothing stored)", () => {
  const saved = { ...process.env };
  let stdin: PropertyDescriptor | undefined;
  let dir: string;
  let departmentId: number;
  let serverId: number;

  async function json<T>(args: string[]): Promise<T> {
    const result = await cli(args);
    expect(result.status, result.out).toBe(EXIT.OK);
    return JSON.parse(result.out) as T;
  }
  const stored = async () => ({
    departments: await json<unknown>(["departments", "list", "--json"]),
    servers: await json<unknown>(["servers", "list", "--json"]),
    keys: await json<unknown>(["apikeys", "list", "--json"]),
    domains: await json<unknown>(["domains", "list", "--json"]),
    messages: await json<unknown>(["messages", "list", "--json"]),
  });
  async function expectRefused(args: string[], input = ""): Promise<void> {
    const result = await cli(args, input);
    const label = `${JSON.stringify(args)}\n${result.out}`;
    expect(result.status, label).toBe(EXIT.USAGE);
    // Refused for the character (the field issue), not for some other reason.
    expect(result.out, label).toMatch(REFUSAL_TEXT);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "facteur-inject-cli2-"));
    process.env.FACTEUR_DATA_DIR = dir;
    process.env.FACTEUR_DATABASE_URL = `sqlite:${join(dir, "facteur.db")}`;
    process.env.FACTEUR_LOG_LEVEL = "silent";
    process.env.FACTEUR_LANG = "en";
    process.env.FACTEUR_WORKER = "off";
    Object.assign(process.env, LOOPBACK_TARGETS_ENV);
    stdin = Object.getOwnPropertyDescriptor(process, "stdin");
    expect((await cli(["migrate"])).status).toBe(EXIT.OK);
    const added = await cli(["departments", "add", "Ventes"]);
    expect(added.status, added.out).toBe(EXIT.OK);
    departmentId = Number(/#(\d+)/.exec(added.out)![1]);
    const server = await cli(
      [
        "servers",
        "add",
        ...["--title", "Principal", "--host", "smtp.exemple.fr", "--port", "587", "--auth", "password"],
        ...["--security", "starttls", "--mail", "ventes@exemple.fr", "--sender-name", "Ventes"],
        ...["--username", "ventes@exemple.fr", "--json"],
      ],
      "Cl1!Secret-Stdin\n",
    );
    expect(server.status, server.out).toBe(EXIT.OK);
    serverId = (JSON.parse(server.out) as { server: { id: number } }).server.id;
  });
  afterAll(() => {
    if (stdin) Object.defineProperty(process, "stdin", stdin);
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it("departments add and rename", async () => {
    const before = await stored();
    for (const name of HOSTILE) {
      await expectRefused(["departments", "add", name]);
      await expectRefused(["departments", "rename", String(departmentId), name]);
    }
    expect(await stored()).toEqual(before);
  });

  it("servers add and update (title, sender name, username, host, mail)", async () => {
    const before = await stored();
    const add = (flag: string, value: string) => [
      "servers",
      "add",
      ...["--title", "Autre", "--host", "smtp2.exemple.fr", "--port", "587", "--auth", "password"],
      ...["--security", "starttls", "--mail", "autre@exemple.fr", "--sender-name", "Autre"],
      ...["--username", "autre@exemple.fr", flag, value],
    ];
    for (const value of HOSTILE) {
      for (const flag of ["--title", "--sender-name", "--username", "--host", "--mail"])
        await expectRefused(add(flag, value), "Cl1!Secret-Stdin\n");
      for (const flag of ["--title", "--sender-name"])
        await expectRefused(["servers", "update", String(serverId), flag, value]);
    }
    expect(await stored()).toEqual(before);
  });

  it("apikeys create, admin create, domains add, send", async () => {
    const before = await stored();
    for (const value of HOSTILE) {
      await expectRefused(["apikeys", "create", value]);
      await expectRefused(["admin", "create", "--email", `a${value}@exemple.fr`], `${ADMIN_PASSWORD}\n`);
      await expectRefused([
        "domains",
        "add",
        "exemple-cli.fr",
        "--display-name",
        value,
        "--imap",
        "imap.exemple.fr",
        "--smtp",
        "smtp.exemple.fr",
      ]);
      const send = ["send", "--to", "client@exemple.fr", "--text", "Bonjour"];
      await expectRefused([...send, "--subject", value]);
      await expectRefused([...send, "--subject", "s", "--from-name", value]);
      await expectRefused([...send, "--subject", "s", "--department", value]);
    }
    expect(await stored()).toEqual(before);
    // The same commands with clean text work: the refusal is the character, nothing else.
    for (const args of [
      ["departments", "add", "Équipe 👩\u200d💻"],
      ["departments", "rename", String(departmentId), "می\u200cخواهم"],
      ["apikeys", "create", "Facturation"],
    ]) {
      const result = await cli(args);
      expect(result.status, `${JSON.stringify(args)} ${result.out}`).toBe(EXIT.OK);
    }
  });
});

describe("the real facteur process (the red team's commands)", () => {
  it("departments add/rename with CR/LF or an OSC escape: exit 2, nothing stored", () => {
    const dir = mkdtempSync(join(tmpdir(), "facteur-inject-cli3-"));
    const env = { FACTEUR_DATA_DIR: dir, FACTEUR_LANG: "en" };
    try {
      expect(runCli(["migrate"], env).status).toBe(EXIT.OK);
      expect(runCli(["departments", "add", "Ventes"], env).status).toBe(EXIT.OK);
      const names = () =>
        (JSON.parse(runCli(["departments", "list", "--json"], env).stdout) as Array<{ name: string }>).map(
          (d) => d.name,
        );
      const before = names();
      expect(before).toContain("Ventes");
      for (const args of [
        ["departments", "add", "Vente\r\nBcc: x@evil.fr"],
        ["departments", "add", "Compta\u001b]0;pwned\u0007"],
        ["departments", "rename", "1", "x\ny"],
      ]) {
        const result = runCli(args, env);
        expect(result.status, `${JSON.stringify(args)} ${result.stdout} ${result.stderr}`).toBe(EXIT.USAGE);
        expect(result.stderr).toMatch(REFUSAL_TEXT);
      }
      expect(names()).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.each(STORE_KINDS)(
  "the services validate typed text themselves, whatever calls them (%s)",
  (kind) => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createIsolatedTestContext(kind);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    it("createDepartment, renameDepartment, createServer, updateServer refuse controls and bidi overrides", async () => {
      const department = await createDepartment(t.ctx, "Ventes");
      const { server } = await createServer(t.ctx, parseOrThrow(createServerSchema, serverBody()));
      const countRows = async (table: "departments" | "smtp_servers") =>
        Number(
          (
            await t.ctx.db
              .selectFrom(table)
              .select(({ fn }) => fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = [await countRows("departments"), await countRows("smtp_servers")];
      const refused = expect.objectContaining({ code: "VALIDATION_FAILED" });
      for (const value of HOSTILE) {
        await expect(createDepartment(t.ctx, value)).rejects.toThrow(refused);
        await expect(renameDepartment(t.ctx, department.id, value)).rejects.toThrow(refused);
        for (const field of ["title", "senderName", "username", "host", "mail"]) {
          // Typed input that skipped the schema (a script, a future interface).
          const input = { ...parseOrThrow(createServerSchema, serverBody()), [field]: value };
          await expect(createServer(t.ctx, input)).rejects.toThrow(refused);
          await expect(
            updateServer(t.ctx, server.id, { version: 1, [field]: value } as never),
          ).rejects.toThrow(refused);
        }
      }
      expect([await countRows("departments"), await countRows("smtp_servers")]).toEqual(before);
      const names = await t.ctx.db.selectFrom("departments").select("name").execute();
      expect(names.map((n) => n.name)).toContain("Ventes");
      // An out-of-range id is "not found", never a PostgreSQL range error.
      await expect(renameDepartment(t.ctx, 3_000_000_000, "Achats")).rejects.toThrow(
        expect.objectContaining({ code: "DEPARTMENT_NOT_FOUND" }),
      );
    });
  },
);

describe("the CLI on PostgreSQL: ids past 2^31 are a usage error or not found, never an internal error", () => {
  const saved = { ...process.env };
  const schema = `t_cli_${randomBytes(5).toString("hex")}`;
  let dir: string;
  let stdin: PropertyDescriptor | undefined;

  beforeAll(async () => {
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    dir = mkdtempSync(join(tmpdir(), "facteur-inject-cli-pg-"));
    const url = new URL(TEST_PG_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    Object.assign(process.env, LOOPBACK_TARGETS_ENV, {
      FACTEUR_DATA_DIR: dir,
      FACTEUR_DATABASE_URL: url.toString(),
      FACTEUR_LOG_LEVEL: "silent",
      FACTEUR_LANG: "en",
      FACTEUR_WORKER: "off",
    });
    stdin = Object.getOwnPropertyDescriptor(process, "stdin");
    const migrated = await cli(["migrate"]);
    expect(migrated.status, migrated.out).toBe(EXIT.OK);
  });
  afterAll(async () => {
    if (stdin) Object.defineProperty(process, "stdin", stdin);
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  });

  it("every command taking an id", async () => {
    const failures: string[] = [];
    for (const id of ["2147483648", "3000000000", "9007199254740993"])
      for (const args of [
        ["servers", "show", id],
        ["servers", "remove", id],
        ["servers", "update", id, "--title", "x"],
        ["departments", "rename", id, "Achats"],
        ["departments", "remove", id],
        ["messages", "show", id],
        ["messages", "list", "--server", id],
        ["apikeys", "revoke", id],
        ["confirm", id],
        ["test", "server", id],
        ["domains", "show", id],
        ["domains", "remove", id],
        ["send", "--to", "a@exemple.fr", "--subject", "s", "--text", "t", "--server", id],
        ["send", "--to", "a@exemple.fr", "--subject", "s", "--text", "t", "--department", id],
      ]) {
        const result = await cli(args);
        if (![EXIT.USAGE, EXIT.NOT_FOUND].includes(result.status as 2))
          failures.push(`${args.join(" ")} → ${result.status} ${result.out.slice(0, 200)}`);
      }
    expect(failures).toEqual([]);
  });
});
