/**
 * CLI start-up benchmark (issue 14, item 7): how long a whole `facteur` process takes, as a person or a
 * script runs it (`node bin/facteur.js`, the compiled CLI in dist/), next to `node -e 0` (Node's own start)
 * and swaks doing the same SMTP probe (connect, greeting, EHLO, QUIT) on the same local server.
 *
 * Rounds are interleaved (each round runs every command once, in turn) so that other work on the machine
 * spreads over all of them alike. Two servers: smtp-server (a real server; it waits 100 ms before its
 * greeting to catch clients that talk too early, for swaks and Facteur alike) and a minimal one that greets
 * at once (the difference between the tools is then all start-up). Results go to docs/BENCHMARKS.md between
 * the `bench:cli` markers.
 *
 * Run: npx tsx bench/cli/run.ts [--rounds 20] [--no-build]   (needs swaks on PATH; builds dist/ first when stale)
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";
import { LOOPBACK_TARGETS_ENV } from "../../test/helpers/targets.js";
import { numberArg } from "../lib/cli.js";
import { machineInfo, markdownTable, ms, writeSection } from "../lib/markdown.js";
import { percentile } from "../lib/percentile.js";

const ROOT = join(import.meta.dirname, "..", "..");
const BENCHMARKS_FILE = join(ROOT, "docs", "BENCHMARKS.md");
const ROUNDS = numberArg("rounds", 20);
const HELP_TARGET_MS = 150;
const SWAKS_RATIO_TARGET = 1.3;
/** GNU time, for the CPU time (user + system) of each process: wall time on a shared machine is mostly waiting. */
const GNU_TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

const NOTES = [
  "Notes:",
  "",
  "- Every command's module is imported only when that command runs: the command tree (`src/cli/commands/<capability>.ts`) imports commander and a few constant modules, the action (`<capability>-run.ts`) its services. `test smtp` loads the target settings (`loadTargets`, src/config/targets.ts: the same check loadConfig runs, without zod), the target policy and the probe: no zod, database, kysely, pino, fastify or renderer.",
  "- Before this (7e675cd, every verb imported every command, exceljs, pdfkit, fastify and the database drivers included): `--help` took 1.10–1.33 s here (2026-12-03, load average about 1); the issue measured 1.1–1.6 s, and 1.5 s for `test smtp`.",
  "- 05f02bf (the previous run of this bench, load 4.8): `--help` median 163 ms; `test smtp` 2.61× swaks on smtp-server, 3.78× on the instant server. Since then `test smtp` no longer loads the whole configuration, so neither zod (95 modules, ~120 ms of CPU) nor its schemas; node:tls (~13 ms) is loaded on the first TLS connection only, node:dns/promises on the first name to resolve and node:crypto for CRAM-MD5 only (src/diagnostics/line-session-kit.ts, resolve.ts, smtp-probe.ts, src/net/target-policy.ts).",
  "- What is left (CPU profile, 2026-12-03): Node's start ~35 ms, commander ~15–30 ms, and Node's ESM loader resolving, reading and compiling ~60 files of dist/ (the CLI tree, the probe, the explanations, the codes) for most of the rest; swaks uses ~70 ms in all. The next steps are outside src/cli: the CLI as one bundled file (an esbuild trial saved 20–40 ms) or Node 22's module compile cache.",
].join("\n");

interface Probe {
  name: string;
  command: string;
  args: string[];
  /** Whether a run's output shows it did what it should (a probe that failed measures nothing). */
  ok: (status: number, output: string) => boolean;
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

/**
 * Runs a command without blocking the event loop (the SMTP servers live in this process): wall time in ms
 * (from spawn to exit, GNU time's own exec included when present: the same for every command) and CPU time.
 */
function timed(probe: Probe, env: NodeJS.ProcessEnv, timeFile: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const [command, args] = GNU_TIME
      ? [GNU_TIME, ["-f", "%U %S", "-o", timeFile, probe.command, ...probe.args]]
      : [probe.command, probe.args];
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      if (!probe.ok(code ?? -1, output)) return reject(new Error(`${probe.name}: exit ${code}\n${output}`));
      const [user, system] = GNU_TIME ? readFileSync(timeFile, "utf8").trim().split(/\s+/).map(Number) : [];
      resolve({ wallMs, cpuMs: ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000 });
    });
  });
}

/**
 * The modules Node's ESM loader loads for `facteur <args>` (a load hook writes each URL to a file): files
 * of dist/ and of each package. Files loaded with `require` are not seen (commander: src/cli/commander.ts).
 */
function loadedModules(args: string[], env: NodeJS.ProcessEnv, dir: string): string {
  const log = join(dir, "modules.log");
  const hooks = join(dir, "hooks.mjs");
  const register = join(dir, "register.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";\nexport async function load(url, context, next) {\n  const result = await next(url, context);\n  appendFileSync(${JSON.stringify(log)}, url + "\\n");\n  return result;\n}\n`,
  );
  writeFileSync(
    register,
    `import { register } from "node:module";\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
  );
  writeFileSync(log, "");
  spawnSync(process.execPath, ["--import", register, "bin/facteur.js", ...args], { cwd: ROOT, env });
  const urls = readFileSync(log, "utf8")
    .split("\n")
    .filter((url) => url.startsWith("file:"));
  const counts = new Map<string, number>();
  for (const url of urls) {
    const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    const key = pkg ?? (url.includes("/dist/") ? "dist" : "bin");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${key} ${n}`).join(", ");
}

/** smtp-server without STARTTLS or AUTH, no reverse DNS lookup. */
async function realServer(): Promise<{ port: number; close: () => void }> {
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ["STARTTLS", "AUTH"],
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.server.address() as AddressInfo).port, close: () => server.close() };
}

/** A server that greets at once and answers EHLO and QUIT: nothing else to wait for. */
async function instantServer(): Promise<{ port: number; close: () => void }> {
  const server = createServer((socket) => {
    socket.write("220 bench.test ESMTP\r\n");
    let buffer = "";
    socket.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("latin1");
      let end: number;
      while ((end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (line.startsWith("EHLO")) socket.write("250-bench.test\r\n250 PIPELINING\r\n");
        else if (line.startsWith("HELO")) socket.write("250 bench.test\r\n");
        else if (line.startsWith("QUIT")) socket.end("221 bye\r\n");
        else socket.write("502 not here\r\n");
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

const passed = (status: number) => status === 0;

function swaks(name: string, port: number): Probe {
  return {
    name,
    command: "swaks",
    args: ["--server", `127.0.0.1:${port}`, "--quit-after", "EHLO", "--silent", "1"],
    ok: passed,
  };
}

function facteurTest(name: string, port: number): Probe {
  return {
    name,
    command: process.execPath,
    args: ["bin/facteur.js", "test", "smtp", `127.0.0.1:${port}`, "--security", "none", "--no-alternatives"],
    ok: (status, output) => status === 0 && output.includes("✔"),
  };
}

function summary(samples: number[]) {
  return { min: Math.min(...samples), median: percentile(samples, 50), max: Math.max(...samples) };
}

async function main(): Promise<void> {
  if (!process.argv.includes("--no-build")) {
    // The project's build (only when src/ changed since the last one): the measure is of the code as it is.
    const build = spawnSync(process.execPath, ["scripts/build.mjs", "--only", "server"], {
      cwd: ROOT,
      stdio: "inherit",
    });
    // tsc emits despite type errors (another change under way): measure what was emitted, say so.
    if (build.status !== 0 && !existsSync(join(ROOT, "dist", "cli", "main.js")))
      throw new Error("the server build failed");
    if (build.status !== 0) console.warn("the server build reported errors: measuring what it emitted");
  }
  const dataDir = mkdtempSync(join(tmpdir(), "facteur-bench-cli-"));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    FACTEUR_DATA_DIR: dataDir,
    FACTEUR_LOG_LEVEL: "silent",
    LANG: "fr_FR.UTF-8",
    ...LOOPBACK_TARGETS_ENV,
  };
  const real = await realServer();
  const instant = await instantServer();
  const probes: Probe[] = [
    { name: "node -e 0", command: process.execPath, args: ["-e", "0"], ok: passed },
    { name: "facteur --help", command: process.execPath, args: ["bin/facteur.js", "--help"], ok: passed },
    swaks("swaks, smtp-server", real.port),
    facteurTest("facteur test smtp, smtp-server", real.port),
    swaks("swaks, instant server", instant.port),
    facteurTest("facteur test smtp, instant server", instant.port),
  ];
  const samples = new Map<string, Sample[]>(probes.map((p) => [p.name, []]));
  const machine = machineInfo();
  const startedAt = new Date();
  const timeFile = join(dataDir, "time.txt");
  let modules: { help: string; test: string };
  try {
    for (const probe of probes) await timed(probe, env, timeFile); // warm the file cache once
    for (let round = 0; round < ROUNDS; round++)
      for (const probe of probes) samples.get(probe.name)!.push(await timed(probe, env, timeFile));
    modules = {
      help: loadedModules(["--help"], env, dataDir),
      test: loadedModules(probes[5]!.args.slice(1), env, dataDir),
    };
  } finally {
    real.close();
    instant.close();
  }
  rmSync(dataDir, { recursive: true, force: true });

  const wall = new Map([...samples].map(([name, values]) => [name, summary(values.map((v) => v.wallMs))]));
  const cpu = new Map(
    [...samples].map(([name, values]) => [
      name,
      percentile(
        values.map((v) => v.cpuMs),
        50,
      ),
    ]),
  );
  const median = (name: string) => wall.get(name)!.median;
  const node = median("node -e 0");
  const rows = probes.map((p) => {
    const s = wall.get(p.name)!;
    return [
      p.name,
      ms(s.min),
      ms(s.median),
      ms(s.max),
      `${Math.round(s.median - node)}`,
      GNU_TIME ? ms(cpu.get(p.name)!) : "–",
    ];
  });
  const help = median("facteur --help");
  const ratioReal = median("facteur test smtp, smtp-server") / median("swaks, smtp-server");
  const ratioInstant = median("facteur test smtp, instant server") / median("swaks, instant server");
  const met = (ok: boolean) => (ok ? "✅" : "❌");
  const section = [
    "## CLI start-up (bench/cli)",
    "",
    `Re-run: \`npx tsx bench/cli/run.ts\` (needs swaks; builds dist/ when stale, then runs \`node bin/facteur.js\` as installed). ${ROUNDS} interleaved rounds of every command (each round runs them all in turn), after one warm-up run each; wall time of the whole process, spawned from the bench, and its CPU time (user + system, GNU time).`,
    "",
    `- Date: ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- Machine: ${machine}`,
    "- Probe: connect, greeting, EHLO, QUIT on 127.0.0.1 (`swaks --quit-after EHLO`; `facteur test smtp 127.0.0.1:PORT --security none --no-alternatives`). smtp-server waits 100 ms before its greeting (early-talker check), for both tools; the instant server greets at once, so the difference is start-up alone.",
    `- Modules loaded by Node's ESM loader: \`--help\` ${modules.help}; \`test smtp\` ${modules.test} (and commander, through \`require\`).`,
    "",
    markdownTable(
      ["command", "min ms", "median ms", "max ms", "median − node -e 0", "CPU ms (median; 10 ms steps)"],
      rows,
    ),
    "",
    markdownTable(
      ["target", "measured (medians)", "met"],
      [
        [`\`facteur --help\` < ${HELP_TARGET_MS} ms`, `${ms(help)} ms`, met(help < HELP_TARGET_MS)],
        [
          `\`facteur test smtp\` ≤ ${SWAKS_RATIO_TARGET}× swaks (smtp-server)`,
          `${ratioReal.toFixed(2)}×`,
          met(ratioReal <= SWAKS_RATIO_TARGET),
        ],
        [
          `same, instant server (start-up only)`,
          `${ratioInstant.toFixed(2)}×`,
          met(ratioInstant <= SWAKS_RATIO_TARGET),
        ],
      ],
    ),
    "",
    NOTES,
  ].join("\n");
  writeSection(BENCHMARKS_FILE, "cli", section);
  console.log(`\n${section}\n\nWritten to ${BENCHMARKS_FILE}`);
}

await main();
