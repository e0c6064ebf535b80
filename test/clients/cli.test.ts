import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { runCli, type CliResult } from "../helpers/cli.js";
import { startDnsServer } from "./servers.js";
import { LOOPBACK_TARGETS_ENV } from "../helpers/targets.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** Like runCli, but without blocking this process: the DNS server of the test must keep answering. */
function runCliAsync(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(
      join(ROOT, "node_modules", ".bin", "tsx"),
      [join(ROOT, "src", "cli", "main.ts"), ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "/tmp",
          FACTEUR_LOG_LEVEL: "silent",
          ...LOOPBACK_TARGETS_ENV,
          ...env,
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}

/** `facteur domains|discover|guide` against a temp SQLite database and a DNS server on 127.0.0.1. */
// Each CLI run starts tsx (2–5 s on a busy machine): allow several per test.
describe("setup CLI", { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "facteur-cli-"));
    env = { FACTEUR_DATA_DIR: dir, FACTEUR_PUBLIC_URL: "https://facteur.exemple.fr", FACTEUR_LANG: "fr" };
    dns = await startDnsServer({
      "_imaps._tcp.srv.test": [{ type: "SRV", priority: 0, weight: 1, port: 993, target: "imap.srv.test" }],
      "_submission._tcp.srv.test": [
        { type: "SRV", priority: 0, weight: 1, port: 587, target: "smtp.srv.test" },
      ],
      "autoconfig.exemple.fr": [],
      "_imaps._tcp.exemple.fr": [
        { type: "SRV", priority: 0, weight: 1, port: 993, target: "imap.exemple.fr" },
      ],
    });
  });
  afterAll(async () => {
    await dns.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds, lists and shows a domain", () => {
    const add = runCli(
      [
        "domains",
        "add",
        "exemple.fr",
        "--imap",
        "imap.exemple.fr",
        "--smtp",
        "smtp.exemple.fr:587",
        "--username",
        "localpart",
      ],
      env,
    );
    expect(add.stderr).toBe("");
    expect(add.stdout).toContain("Domaine ajouté : exemple.fr");
    const list = runCli(["domains", "list", "--json"], env);
    const items = JSON.parse(list.stdout);
    expect(items[0].incoming[0]).toMatchObject({
      host: "imap.exemple.fr",
      port: 993,
      security: "tls",
      usernameTemplate: "%EMAILLOCALPART%",
    });
    expect(items[0].outgoing[0]).toMatchObject({ port: 587, security: "starttls" });
    expect(runCli(["domains", "show", "nope.fr"], env).status).toBe(3);
  });

  it("discovers with SRV from the DNS server given, and exits 3 with advice when nothing is found", async () => {
    const srv = await runCliAsync(["discover", "bob@srv.test", "--dns", dns.server, "--json"], env);
    expect(srv.status).toBe(0);
    expect(JSON.parse(srv.stdout)).toMatchObject({
      source: "srv",
      settings: { incoming: [{ host: "imap.srv.test", port: 993 }] },
    });
    const none = await runCliAsync(
      ["discover", "x@nulle-part.test", "--dns", dns.server, "--lang", "en"],
      env,
    );
    expect(none.status).toBe(3);
    expect(none.stdout).toContain("Ask your mail provider");
  });

  it("writes a guide as text, PDF and HTML", () => {
    const text = runCli(["guide", "marie@exemple.fr", "--client", "thunderbird"], env);
    expect(text.stdout).toContain("Configurer marie@exemple.fr dans Thunderbird");
    expect(text.stdout).toContain("Identifiant entrant: marie");
    const pdf = join(dir, "g.pdf");
    const html = join(dir, "g.html");
    const files = runCli(
      ["guide", "marie@exemple.fr", "--client", "android", "--lang", "en", "--pdf", pdf, "--html", html],
      env,
    );
    expect(files.status).toBe(0);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe("%PDF-");
    expect(readFileSync(html, "utf8")).toContain('<html lang="en">');
    expect(runCli(["guide", "marie@exemple.fr", "--client", "eudora"], env).status).toBe(3);
  });

  it("prints the DNS records and checks them against the DNS", async () => {
    const zone = runCli(["domains", "dns", "exemple.fr"], env);
    expect(zone.stdout).toContain("_imaps._tcp.exemple.fr. 3600 IN SRV 0 1 993 imap.exemple.fr.");
    const check = await runCliAsync(
      ["domains", "dns", "exemple.fr", "--check", "--dns", dns.server, "--json"],
      env,
    );
    expect(check.status).toBe(1);
    const rows = JSON.parse(check.stdout) as Array<{ name: string; status: string }>;
    expect(rows.find((r) => r.name === "_imaps._tcp.exemple.fr")!.status).toBe("ok");
    expect(rows.find((r) => r.name === "autoconfig.exemple.fr")!.status).toBe("missing");
  });

  it("removes a domain", () => {
    expect(runCli(["domains", "remove", "exemple.fr"], env).status).toBe(0);
    expect(JSON.parse(runCli(["domains", "list", "--json"], env).stdout)).toEqual([]);
  });
});
