import type { SMTPServerAuthenticationResponse } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeResult } from "../../src/diagnostics/result.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createServer, getServer } from "../../src/registry/server.service.js";
import { createTestContext, STORE_KINDS, TEST_PG_URL, type TestContext } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";
import { runCliAsync } from "./helpers/cli.js";
import { startSmtpServer, type RunningServer } from "./helpers/servers.js";

const PASSWORD = "Tr0ub4dor&3-Secret";

describe.each(STORE_KINDS)("facteur test server <id> (%s)", (kind) => {
  let t: TestContext;
  let smtp: RunningServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    t = await createTestContext(kind);
    smtp = await startSmtpServer({
      disabledCommands: ["STARTTLS"],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.password === PASSWORD)
          callback(null, { user: auth.username } as SMTPServerAuthenticationResponse);
        else
          callback(
            Object.assign(new Error("5.7.8 Authentication credentials invalid"), { responseCode: 535 }),
          );
      },
    });
    // The CLI opens the same database (and key file) as the test context.
    const databaseUrl = t.pgSchema
      ? `${TEST_PG_URL}?options=${encodeURIComponent(`-c search_path=${t.pgSchema}`)}`
      : `sqlite:${t.dir}/facteur.db`;
    env = { FACTEUR_DATA_DIR: t.dir, FACTEUR_DATABASE_URL: databaseUrl };
  });

  afterAll(async () => {
    await smtp?.close();
    await t?.dispose();
  });

  it("tests a stored server, prints the result and records it", async () => {
    const input = createServerSchema.parse(
      serverBody({ host: "127.0.0.1", port: smtp.port, security: "none" }),
    );
    const { server } = await createServer(t.ctx, input);
    const run = await runCliAsync(["test", "server", String(server.id), "--json"], "", env);
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ProbeResult;
    expect(result.authenticated).toBe(true);
    expect(run.stdout).not.toContain(PASSWORD);
    expect((await getServer(t.ctx, server.id)).lastTest).toMatchObject({ ok: true, code: null });
  });

  it("exits 3 for an unknown server", async () => {
    const run = await runCliAsync(["test", "server", "999999"], "", env);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toContain("SERVER_NOT_FOUND");
  });
});
