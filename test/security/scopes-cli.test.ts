import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/cli/runtime.js";
import { runCli } from "../helpers/cli.js";

describe("facteur apikeys: scopes chosen at creation, shown in listings (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "facteur-cli-scopes-"));
  const env = { FACTEUR_DATA_DIR: dir, FACTEUR_LANG: "en" };

  it("creates keys with the given scopes, send by default, and refuses unknown scopes", () => {
    expect(runCli(["migrate"], env).status).toBe(EXIT.OK);
    const erp = runCli(["apikeys", "create", "erp", "--scope", "send,read", "--json"], env);
    expect(erp.stderr).toBe("");
    expect((JSON.parse(erp.stdout) as { scopes: string[] }).scopes).toEqual(["send", "read"]);
    const plain = runCli(["apikeys", "create", "mailer"], env);
    expect(plain.status).toBe(EXIT.OK);
    expect(plain.stdout).toContain("Scopes: send.");
    for (const bad of ["root", "send,send", ""]) {
      const refused = runCli(["apikeys", "create", "bad", "--scope", bad], env);
      expect(refused.status, bad).not.toBe(EXIT.OK);
    }
    const listed = JSON.parse(runCli(["apikeys", "list", "--json"], env).stdout) as Array<{
      name: string;
      scopes: string[];
    }>;
    expect(listed.map((k) => [k.name, k.scopes])).toEqual([
      ["erp", ["send", "read"]],
      ["mailer", ["send"]],
    ]);
    const table = runCli(["apikeys", "list"], env).stdout;
    expect(table).toContain("Portées/Scopes");
    expect(table).toMatch(/erp\s.*send,read/);
  });
});
