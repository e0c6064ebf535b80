import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { TEST_PG_URL, type StoreKind } from "../../helpers/context.js";
import { LOOPBACK_TARGETS_ENV } from "../../helpers/targets.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const HEALTH_POLL_MS = 100;
const START_TIMEOUT_MS = 60_000; // tsx compiles the CLI on start: a few seconds on two cores

/** A throw-away database for child processes: a temp SQLite file, or a whole PostgreSQL database. */
export interface ScratchDatabase {
  url: string;
  dir: string;
  /** Secret key shared by every process of the run (base64 of 32 bytes). */
  secretKey: string;
  dispose(): Promise<void>;
}

export async function createScratchDatabase(kind: StoreKind): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "facteur-rel-"));
  const secretKey = randomBytes(32).toString("base64");
  if (kind === "sqlite") {
    return {
      url: `sqlite:${join(dir, "facteur.db")}`,
      dir,
      secretKey,
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // A separate database, not a schema: child processes open it by URL and run their own migrations.
  const name = `facteur_rel_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dir,
    secretKey,
    async dispose() {
      const client = new pg.Client({ connectionString: TEST_PG_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export function baseEnv(db: ScratchDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    FACTEUR_DATABASE_URL: db.url,
    FACTEUR_DATA_DIR: db.dir,
    FACTEUR_SECRET_KEY: db.secretKey,
    FACTEUR_LOG_LEVEL: "warn",
    ...LOOPBACK_TARGETS_ENV,
    ...extra,
  };
}

/** A child process of the run; its output is appended to a log file of the run (kept for the secret scan). */
export interface Role {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Lines the process printed on stdout and stderr. */
  output: string[];
}

function launch(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): Role {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      output.push(...chunk.split("\n").filter(Boolean));
      log.write(chunk);
    });
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code, signal) => {
      log.end();
      resolve(code ?? (signal ? -1 : null));
    }),
  );
  return { name, child, exited, output };
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not start`);
    await new Promise((r) => setTimeout(r, HEALTH_POLL_MS));
  }
}

/** `facteur serve` without the in-process worker, listening on `port`; resolves once /health answers. */
export async function startWeb(
  db: ScratchDatabase,
  name: string,
  port: number,
  extra: Record<string, string> = {},
): Promise<Role> {
  const role = launch(
    name,
    ["src/cli/main.ts", "serve"],
    baseEnv(db, { FACTEUR_WORKER: "off", FACTEUR_PORT: String(port), ...extra }),
    db.dir,
  );
  let dead = false;
  void role.exited.then(() => (dead = true));
  await until(async () => {
    if (dead) throw new Error(`${name} exited on start:\n${role.output.join("\n")}`);
    try {
      return (await fetch(`http://127.0.0.1:${port}/health`)).status === 200;
    } catch {
      return false;
    }
  }, name);
  return role;
}

/** A worker process (see worker-entry.ts); resolves with its worker id once it runs. */
export async function startWorkerProcess(
  db: ScratchDatabase,
  name: string,
  extra: Record<string, string> = {},
): Promise<Role & { workerId: string }> {
  const role = launch(name, ["test/reliability/helpers/worker-entry.ts"], baseEnv(db, extra), db.dir);
  let dead = false;
  void role.exited.then(() => (dead = true));
  let workerId = "";
  await until(() => {
    if (dead) throw new Error(`${name} exited on start:\n${role.output.join("\n")}`);
    const line = role.output.find((l) => l.startsWith("worker-ready "));
    if (line) workerId = line.slice("worker-ready ".length).trim();
    return workerId !== "";
  }, name);
  return { ...role, workerId };
}

/** kill -9, then wait for the process to be gone. */
export async function killHard(role: Role): Promise<void> {
  role.child.kill("SIGKILL");
  await role.exited;
}

/** SIGTERM (graceful stop), then wait. */
export async function stopGracefully(role: Role): Promise<number | null> {
  if (role.child.exitCode !== null || role.child.signalCode !== null) return role.child.exitCode;
  role.child.kill("SIGTERM");
  return role.exited;
}
