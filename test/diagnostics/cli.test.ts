import type { SMTPServerAuthenticationResponse } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeResult } from "../../src/diagnostics/result.js";
import { runCliAsync } from "./helpers/cli.js";
import { startSmtpServer, type RunningServer } from "./helpers/servers.js";

const PASSWORD = "Cli-Secret-2026!";
let server: RunningServer;

beforeAll(async () => {
  server = await startSmtpServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.password === PASSWORD)
        callback(null, { user: auth.username } as SMTPServerAuthenticationResponse);
      else
        callback(Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }));
    },
  });
});

afterAll(async () => {
  await server.close();
});

describe("facteur test smtp", () => {
  it("prints a swaks-like transcript and exits 0 when the test passes", async () => {
    const run = await runCliAsync(
      [
        "test",
        "smtp",
        `127.0.0.1:${server.port}`,
        "--security",
        "none",
        "--user",
        "bob@example.fr",
        "--password-stdin",
        "--from",
        "bob@example.fr",
        "--to",
        "ann@example.org",
        "--lang",
        "en",
      ],
      `${PASSWORD}\n`,
    );
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(run.stdout).toContain(" -> EHLO [127.0.0.1]");
    expect(run.stdout).toMatch(/<- {2}220 /);
    expect(run.stdout).toContain(" -> AUTH PLAIN [redacted]");
    expect(run.stdout).toContain("✔ Test passed");
    expect(run.stdout).not.toContain(PASSWORD);
    expect(run.stdout).not.toContain(Buffer.from(`\u0000bob@example.fr\u0000${PASSWORD}`).toString("base64"));
  });

  it("exits 1 with the stable code and both languages in JSON when the test fails", async () => {
    const run = await runCliAsync(
      [
        "test",
        "smtp",
        `127.0.0.1:${server.port}`,
        "--security",
        "none",
        "--user",
        "bob@example.fr",
        "--password-stdin",
        "--json",
      ],
      "wrong-password\n",
    );
    expect(run.status, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as ProbeResult;
    expect(result.failure?.code).toBe("AUTH_FAILED");
    expect(result.failure?.diagnosis.fr).toContain("mot de passe");
    expect(result.failure?.diagnosis.en).toContain("password");
    expect(run.stdout).not.toContain("wrong-password");
  });

  it("explains in French by default", async () => {
    const run = await runCliAsync(
      ["test", "smtp", `127.0.0.1:${server.port}`, "--security", "tls", "--timeout", "2"],
      "",
      { LANG: "fr_FR.UTF-8" },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("[TLS_MODE_MISMATCH_USE_STARTTLS]");
    expect(run.stdout).toContain("Solution");
  });

  it.each([
    [["test", "smtp", "not a host"]],
    [["test", "smtp", "smtp.example.com:99999"]],
    [["test", "smtp", "smtp.example.com", "--security", "ssl"]],
    [["test", "imap", "imap.example.com", "--lang", "de"]],
    [["test", "smtp", "smtp.example.com", "--from", "not-an-address"]],
  ])("exits 2 on bad input: %j", async (args) => {
    const run = await runCliAsync(args, "");
    expect(run.status, run.stdout + run.stderr).toBe(2);
  });
});
