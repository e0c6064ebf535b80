import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedServers } from "../../bench/lib/seed-servers.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createServer } from "../../src/registry/server.service.js";
import { createTestContext, STORE_KINDS, TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { parseCsv, readXlsx } from "./files.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CLI = join(ROOT, "src", "cli", "main.ts");
const CLI_TIMEOUT_MS = 60_000; // tsx compiles the CLI on each start: seconds on a busy machine
const PROGRESS_ROWS = 6_000; // above the CLI's 5,000-row progress threshold

describe.each(STORE_KINDS)("facteur servers export on %s", (kind) => {
  let t: TestContext;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    t = await createTestContext(kind);
    // The CLI reads its database from the environment; on PostgreSQL the test schema goes in the URL.
    const databaseUrl =
      kind === "postgres"
        ? `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`
        : t.config.databaseUrl;
    env = {
      ...process.env,
      FACTEUR_DATA_DIR: t.dir,
      FACTEUR_DATABASE_URL: databaseUrl,
      FACTEUR_LOG_LEVEL: "silent",
      FACTEUR_LANG: "en",
    };
    for (const title of ['=HYPERLINK("http://evil")', "Zèbre", "Alpha"]) {
      await createServer(
        t.ctx,
        createServerSchema.parse({
          title,
          host: "smtp.cli.fr",
          port: 465,
          authentication: "password",
          security: "tls",
          mail: "cli@cli.fr",
          senderName: "CLI",
          username: "cli@cli.fr",
          password: "Tr0ub4dor&3-Secret",
        }),
      );
    }
  }, 60_000);
  afterAll(async () => t?.dispose());

  const cli = (...args: string[]) =>
    run(TSX, [CLI, "servers", "export", ...args], { env, cwd: ROOT, timeout: CLI_TIMEOUT_MS });

  it(
    "writes the current view as CSV to stdout",
    async () => {
      const { stdout } = await cli(
        "--format",
        "csv",
        "-q",
        "cli",
        "--sort",
        "title",
        "--columns",
        "title,security",
      );
      const [header, ...rows] = parseCsv(stdout.replace(/^\uFEFF/, ""), ",");
      expect(header).toEqual(["Title", "Security"]);
      expect(rows.map((r) => r[0]).sort()).toEqual(['\'=HYPERLINK("http://evil")', "Alpha", "Zèbre"].sort());
      expect(rows.every((r) => r[1] === "SSL/TLS")).toBe(true);
      expect(stdout).not.toContain("Tr0ub4dor");
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "writes an .xlsx file with French headers when asked",
    async () => {
      const file = join(t.dir, "servers.xlsx");
      const { stderr } = await cli(
        "--format",
        "xlsx",
        "--output",
        file,
        "--lang",
        "fr",
        "--columns",
        "title,host",
      );
      expect(stderr).toContain(`3 server(s) exported to ${file}`);
      const rows = await readXlsx(readFileSync(file));
      expect(rows[0]).toEqual(["Titre", "Hôte"]);
      expect(rows).toHaveLength(4);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    "reports progress on stderr for large exports and refuses unknown columns",
    async () => {
      await seedServers(t.ctx, PROGRESS_ROWS);
      const file = join(t.dir, "servers.csv");
      const { stderr } = await cli("--format", "csv", "--output", file);
      expect(stderr).toMatch(/Export: 1000 \/ 6003 servers \(16%\)/);
      expect(stderr).toContain("6003 server(s) exported");
      expect(readFileSync(file, "utf8").trimEnd().split("\r\n")).toHaveLength(PROGRESS_ROWS + 3 + 1);
      await expect(cli("--format", "csv", "--columns", "title,password")).rejects.toMatchObject({ code: 2 });
    },
    CLI_TIMEOUT_MS * 2,
  );
});
