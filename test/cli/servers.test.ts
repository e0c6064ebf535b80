import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/runtime.js";
import { runCli } from "../helpers/cli.js";

describe("facteur servers (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "facteur-cli-"));
  const env = { FACTEUR_DATA_DIR: dir, FACTEUR_LANG: "fr" };
  const add = [
    "servers",
    "add",
    "--title",
    "Ventes",
    "--host",
    "smtp.société.fr",
    "--port",
    "587",
    "--auth",
    "password",
    "--security",
    "starttls",
    "--mail",
    "ventes@exemple.fr",
    "--sender-name",
    "Service Ventes",
    "--username",
    "ventes@exemple.fr",
    "--departments",
    "Vente",
    "--json",
  ];

  it("adds a server with the password read from stdin, never from argv", () => {
    runCli(["migrate"], env);
    const result = runCli(add, env, "Cl1!Secret-Stdin\n");
    expect(result.stderr).toBe("");
    expect(result.status).toBe(EXIT.OK);
    const saved = JSON.parse(result.stdout) as {
      server: { host: string; hasPassword: boolean; usage: { mode: string } };
    };
    expect(saved.server.host).toBe("smtp.xn--socit-esab.fr");
    expect(saved.server.hasPassword).toBe(true);
    expect(result.stdout).not.toContain("Cl1!Secret-Stdin");
  });

  it("lists as a table in French and as JSON", () => {
    const table = runCli(["servers", "list"], env);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain("Nom d'envoi");
    expect(table.stdout).toContain("Service Ventes");
    const json = JSON.parse(runCli(["servers", "list", "--json", "-q", "ventes"], env).stdout) as {
      total: number;
    };
    expect(json.total).toBe(1);
  });

  it("explains bad input and exits with a usage code", () => {
    const weak = runCli(add, env, "faible\n");
    expect(weak.status).toBe(EXIT.USAGE);
    expect(weak.stderr).toContain("VALIDATION_FAILED");
    expect(weak.stderr).toContain("password");
    const missing = runCli(["servers", "show", "999"], { ...env, FACTEUR_LANG: "en" });
    expect(missing.status).toBe(EXIT.NOT_FOUND);
    expect(missing.stderr).toContain("SMTP server not found");
    expect(runCli(["servers", "list", "--sort", "nope"], env).status).toBe(EXIT.USAGE);
    expect(runCli(["servers", "frobnicate"], env).status).toBe(EXIT.USAGE);
  });

  it("manages departments and refuses deleting one in use", () => {
    const list = JSON.parse(runCli(["departments", "list", "--json"], env).stdout) as Array<{
      id: number;
      name: string;
    }>;
    const vente = list.find((d) => d.name === "Vente");
    expect(vente).toBeDefined();
    const refused = runCli(["departments", "remove", String(vente!.id)], env);
    expect(refused.status).toBe(EXIT.CONFLICT);
    expect(refused.stderr).toContain("DEPARTMENT_IN_USE");
  });
});
