/**
 * Autoconfig benchmark: requests per second of Facteur's Thunderbird XML (GET) and Outlook Autodiscover
 * (POST) endpoints under autocannon, compared in the same run with nginx (Debian package, one worker,
 * its own temp prefix on a high port) serving the very same bodies as static files. Also the latency
 * of discovery for a bundled-provider address. Prints a markdown table and writes it into
 * docs/clients.md between the BENCHMARK markers.
 *
 *   npx tsx bench/autoconfig/run.ts [--duration 5] [--rounds 3] [--connections 50]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { discoverSettings } from "../../src/clients/discovery/discover.js";
import { freePort, numberArg } from "../lib/cli.js";

const ROOT = join(import.meta.dirname, "..", "..");
const DURATION_S = numberArg("duration", 5);
const CONNECTIONS = numberArg("connections", 50);
const ROUNDS = numberArg("rounds", 3);
const DISCOVERY_RUNS = 20_000;
const TARGET_RATIO = 0.5; // issue 7: at least 50 % of nginx's rate

const AUTODISCOVER_BODY = `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>marie@exemple.fr</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>`;

/** `variant` "app": the full app (buildApp, every global hook); "routes": the setup routes on a plain Fastify. */
function startFacteur(variant: "app" | "routes"): Promise<{ port: number; child: ChildProcess }> {
  const extra = variant === "routes" ? ["--bare"] : [];
  const child = spawn(
    join(ROOT, "node_modules", ".bin", "tsx"),
    [join(import.meta.dirname, "server.ts"), ...extra],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.on("exit", (code) => reject(new Error(`facteur bench server exited (${code})`)));
  });
}

async function startNginx(bodies: { thunderbird: string; autodiscover: string }) {
  const prefix = mkdtempSync(join(tmpdir(), "facteur-bench-nginx-"));
  chmodSync(prefix, 0o755); // nginx workers run as "nobody": they must read the files
  const port = await freePort();
  mkdirSync(join(prefix, "www/mail"), { recursive: true });
  mkdirSync(join(prefix, "www/autodiscover"), { recursive: true });
  mkdirSync(join(prefix, "logs"));
  writeFileSync(join(prefix, "www/mail/config-v1.1.xml"), bodies.thunderbird);
  writeFileSync(join(prefix, "www/autodiscover/autodiscover.xml"), bodies.autodiscover);
  // One worker, like the one Node process; access log off on both sides. nginx's static module refuses
  // POST (405), so the Autodiscover body is answered from memory with `return 200` (the cheapest thing
  // nginx can do: an upper bound for a static Autodiscover).
  writeFileSync(
    join(prefix, "nginx.conf"),
    `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  types { application/xml xml; }
  etag on;
  server {
    listen 127.0.0.1:${port};
    root ${prefix}/www;
    location = /autodiscover/autodiscover.xml { default_type "application/xml; charset=utf-8"; return 200 '${bodies.autodiscover.replaceAll("'", "\\'")}'; }
  }
}
`,
  );
  const child = spawn("nginx", ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-g", "daemon off;"], {
    stdio: "inherit",
  });
  let ready = false;
  for (let i = 0; i < 50 && !ready; i++) {
    ready = await fetch(`http://127.0.0.1:${port}/mail/config-v1.1.xml`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  if (!ready) {
    child.kill("SIGQUIT");
    throw new Error(`nginx did not serve the file (see ${prefix}/logs/error.log)`);
  }
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => {
          rmSync(prefix, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGQUIT");
      }),
  };
}

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, method: "GET" | "POST", body?: string): Promise<Measure> {
  const result = await autocannon({
    url,
    method,
    connections: CONNECTIONS,
    duration: DURATION_S,
    ...(body ? { body, headers: { "content-type": "text/xml; charset=utf-8" } } : {}),
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

async function discoveryLatency(): Promise<{ p50: number; p95: number; p99: number }> {
  const deps = {
    adminSettings: async () => null,
    resolver: {
      resolveSrv: async () => [],
      resolveMx: async () => [],
      resolve4: async () => [],
      resolve6: async () => [],
      resolveCname: async () => [],
    },
    fetch: async () => new Response(null, { status: 404 }),
  };
  const times: number[] = [];
  for (let i = 0; i < DISCOVERY_RUNS; i++) {
    const t = performance.now();
    await discoverSettings(`utilisateur${i}@orange.fr`, deps);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => Number(times[Math.floor(times.length * q)]!.toFixed(4));
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

const app = await startFacteur("app");
const routesOnly = await startFacteur("routes");
const urls = (port: number) => ({
  thunderbird: `http://127.0.0.1:${port}/mail/config-v1.1.xml?emailaddress=marie%40exemple.fr`,
  autodiscover: `http://127.0.0.1:${port}/autodiscover/autodiscover.xml`,
});
const appUrls = urls(app.port);
const routesUrls = urls(routesOnly.port);
const bodies = {
  thunderbird: await (await fetch(appUrls.thunderbird)).text(),
  autodiscover: await (
    await fetch(appUrls.autodiscover, {
      method: "POST",
      body: AUTODISCOVER_BODY,
      headers: { "content-type": "text/xml" },
    })
  ).text(),
};
let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
try {
  nginx = await startNginx(bodies);
  const nginxUrls = {
    thunderbird: `http://127.0.0.1:${nginx.port}/mail/config-v1.1.xml?emailaddress=marie%40exemple.fr`,
    autodiscover: `http://127.0.0.1:${nginx.port}/autodiscover/autodiscover.xml`,
  };
  const check = await (
    await fetch(nginxUrls.autodiscover, { method: "POST", body: AUTODISCOVER_BODY })
  ).text();
  if (check !== bodies.autodiscover) throw new Error("nginx does not serve the same Autodiscover body");

  // Warm-up (JIT, caches), then measure the three servers back to back for each endpoint.
  await autocannon({ url: appUrls.thunderbird, connections: 10, duration: 2 });
  await autocannon({ url: routesUrls.thunderbird, connections: 10, duration: 2 });
  // The three servers are measured back to back, ROUNDS times, interleaved; each cell keeps its median
  // round: on a shared machine a single run swings by ±40 %.
  const median = (runs: Measure[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
  const measure = async (kind: "thunderbird" | "autodiscover") => {
    const method = kind === "thunderbird" ? "GET" : "POST";
    const body = kind === "thunderbird" ? undefined : AUTODISCOVER_BODY;
    const runs = { app: [] as Measure[], routes: [] as Measure[], nginx: [] as Measure[] };
    for (let round = 0; round < ROUNDS; round++) {
      runs.app.push(await load(appUrls[kind], method, body));
      runs.routes.push(await load(routesUrls[kind], method, body));
      runs.nginx.push(await load(nginxUrls[kind], method, body));
    }
    return { app: median(runs.app), routes: median(runs.routes), nginx: median(runs.nginx) };
  };
  const rows = [
    { name: "Thunderbird config-v1.1.xml (GET)", ...(await measure("thunderbird")) },
    { name: "Autodiscover POX (POST)", ...(await measure("autodiscover")) },
  ];
  const discovery = await discoveryLatency();
  const when = new Date().toISOString().slice(0, 16).replace("T", " ");
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, Node ${process.version}, nginx 1 worker, load average ${loadavg()[0]!.toFixed(1)} at start`;
  const ratio = (a: Measure, b: Measure) =>
    `${((100 * a.rps) / b.rps).toFixed(0)} % ${a.rps >= TARGET_RATIO * b.rps ? "✅" : "❌"}`;
  const table = [
    `Run ${when} UTC — ${machine}; autocannon ${CONNECTIONS} connections × ${DURATION_S} s, median of ${ROUNDS} interleaved rounds per cell; each server in its own process, autocannon in another.`,
    "",
    "| endpoint | Facteur app req/s (p50/p99 ms) | setup routes alone req/s (p50/p99 ms) | nginx static req/s (p50/p99 ms) | app / nginx | routes / nginx | errors / non-2xx |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.app.rps} (${r.app.p50}/${r.app.p99}) | ${r.routes.rps} (${r.routes.p50}/${r.routes.p99}) | ${r.nginx.rps} (${r.nginx.p50}/${r.nginx.p99}) | ${ratio(r.app, r.nginx)} | ${ratio(r.routes, r.nginx)} | ${r.app.errors + r.routes.errors + r.nginx.errors} / ${r.app.non2xx + r.routes.non2xx + r.nginx.non2xx} |`,
    ),
    "",
    `Discovery of a bundled-provider address (\`discoverSettings\`, ${DISCOVERY_RUNS} runs in-process): p50 ${discovery.p50} ms, p95 ${discovery.p95} ms, p99 ${discovery.p99} ms (target p95 < 5 ms ${discovery.p95 < 5 ? "✅" : "❌"}).`,
  ].join("\n");
  console.log(table);
  const docPath = join(ROOT, "docs", "clients.md");
  const doc = readFileSync(docPath, "utf8");
  const start = "<!-- BENCHMARK:autoconfig:start -->";
  const end = "<!-- BENCHMARK:autoconfig:end -->";
  if (doc.includes(start) && doc.includes(end)) {
    writeFileSync(
      docPath,
      `${doc.slice(0, doc.indexOf(start) + start.length)}\n${table}\n${doc.slice(doc.indexOf(end))}`,
    );
  }
} finally {
  await nginx?.stop();
  app.child.kill("SIGTERM");
  routesOnly.child.kill("SIGTERM");
}
