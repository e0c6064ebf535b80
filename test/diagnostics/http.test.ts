import type { SMTPServerAuthenticationResponse } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeResult } from "../../src/diagnostics/result.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { expectNoSecret } from "./helpers/probe.js";
import { closedPort, startSmtpServer, type RunningServer } from "./helpers/servers.js";

const PASSWORD = "Tr0ub4dor&3-Secret";
const WRONG_PASSWORD = "Wr0ng-Passw0rd&3-Xyz";

describe.each(STORE_KINDS)("diagnostics API (%s)", (kind) => {
  let t: TestContext;
  let api: SignedInApp;
  let smtp: RunningServer;

  beforeAll(async () => {
    t = await createTestContext(kind);
    api = await signedInApp(t.ctx);
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
  });

  afterAll(async () => {
    await smtp?.close();
    await api?.app.close();
    await t?.dispose();
  });

  async function createServer(overrides: Record<string, unknown>): Promise<number> {
    const response = await api.request(
      "POST",
      "/api/v1/servers",
      serverBody({ host: "127.0.0.1", port: smtp.port, security: "none", ...overrides }),
    );
    expect(response.statusCode, response.body).toBe(201);
    return (response.json() as { server: { id: number } }).server.id;
  }

  it("tests a stored server with its own credentials and keeps the result", async () => {
    const id = await createServer({});
    const response = await api.request("POST", `/api/v1/servers/${id}/test`);
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json() as ProbeResult;
    expect(result.ok, JSON.stringify(result.transcript)).toBe(true);
    expect(result.authenticated).toBe(true);
    expect(result.steps.map((s) => s.name)).toContain("mail_from");
    expectNoSecret(result, PASSWORD);

    const server = (await api.request("GET", `/api/v1/servers/${id}`)).json() as {
      lastTest: unknown;
      version: number;
    };
    expect(server.lastTest).toEqual({ ok: true, code: null, at: expect.any(String) });
    expect(server.version).toBe(1); // a test is not an edit
    const last = (await api.request("GET", `/api/v1/servers/${id}/test`)).json() as { result: ProbeResult };
    expect(last.result.ok).toBe(true);
  });

  it("records the failure code of a stored server with a wrong password", async () => {
    const id = await createServer({ password: WRONG_PASSWORD, title: "Mauvais mot de passe" });
    const result = (await api.request("POST", `/api/v1/servers/${id}/test`)).json() as ProbeResult;
    expect(result.failure?.code).toBe("AUTH_FAILED");
    expect(result.failure?.diagnosis.fr).toBeTruthy();
    expect(result.failure?.diagnosis.en).toBeTruthy();
    expectNoSecret(result, WRONG_PASSWORD);
    const server = (await api.request("GET", `/api/v1/servers/${id}`)).json() as { lastTest: unknown };
    expect(server.lastTest).toEqual({ ok: false, code: "AUTH_FAILED", at: expect.any(String) });
  });

  it("answers 404 for an unknown server", async () => {
    const response = await api.request("POST", "/api/v1/servers/999999/test");
    expect(response.statusCode).toBe(404);
    expect((response.json() as { error: { code: string } }).error.code).toBe("SERVER_NOT_FOUND");
  });

  it("tests unsaved settings (ad hoc) and refuses metadata addresses", async () => {
    const ok = await api.request("POST", "/api/v1/diagnostics/test", {
      protocol: "smtp",
      host: "127.0.0.1",
      port: smtp.port,
      security: "none",
      user: "u@example.fr",
      password: PASSWORD,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((ok.json() as ProbeResult).ok).toBe(true);
    expect(ok.body).not.toContain(PASSWORD);

    const blocked = await api.request("POST", "/api/v1/diagnostics/test", {
      protocol: "imap",
      host: "169.254.169.254",
      port: 993,
      security: "tls",
    });
    expect((blocked.json() as ProbeResult).failure?.code).toBe("TARGET_BLOCKED");
  });

  it("validates the ad-hoc body with field messages", async () => {
    const response = await api.request("POST", "/api/v1/diagnostics/test", {
      protocol: "smtp",
      host: "not a host",
      port: 70000,
      security: "ssl",
    });
    expect(response.statusCode).toBe(422);
    expect((response.json() as { error: { code: string } }).error.code).toBe("VALIDATION_FAILED");
  });

  it("needs an admin session or an API key", async () => {
    const response = await api.app.inject({
      method: "POST",
      url: "/api/v1/diagnostics/test",
      payload: { protocol: "smtp", host: "127.0.0.1", port: 25, security: "none" },
    });
    expect(response.statusCode).toBe(401);
    const events = await api.app.inject({ method: "GET", url: "/api/v1/diagnostics/bulk/1/events" });
    expect(events.statusCode).toBe(401);
  });

  it("runs a bulk test with bounded concurrency and streams progress as server-sent events", async () => {
    const good = await createServer({ title: "Bon" });
    const wrong = await createServer({ title: "Faux", password: WRONG_PASSWORD });
    const dead = await createServer({ title: "Mort", port: await closedPort() });
    const started = await api.request("POST", "/api/v1/diagnostics/bulk", {
      serverIds: [good, wrong, dead],
      concurrency: 2,
    });
    expect(started.statusCode, started.body).toBe(202);
    const run = started.json() as { id: number; total: number };
    expect(run.total).toBe(3);

    const stream = await api.request("GET", `/api/v1/diagnostics/bulk/${run.id}/events`);
    expect(stream.statusCode).toBe(200);
    expect(stream.headers["content-type"]).toContain("text/event-stream");
    const blocks = stream.body.split("\n\n").filter((b) => b.includes("data:"));
    const progress = blocks
      .filter((b) => b.includes("event: progress"))
      .map(
        (b) =>
          JSON.parse(b.split("data: ")[1]!) as {
            seq: number;
            serverId: number;
            ok: boolean;
            code: string | null;
          },
      );
    expect(progress.map((p) => p.seq)).toEqual([1, 2, 3]);
    const byServer = Object.fromEntries(progress.map((p) => [p.serverId, p.code]));
    expect(byServer).toEqual({ [good]: null, [wrong]: "AUTH_FAILED", [dead]: "CONNECTION_REFUSED" });
    expect(blocks.at(-1)).toContain("event: done");

    // Resuming after event 2 sends only the third.
    const resumed = await api.request("GET", `/api/v1/diagnostics/bulk/${run.id}/events`, undefined, {
      "last-event-id": "2",
    });
    expect(resumed.body.match(/event: progress/g)).toHaveLength(1);

    const status = (await api.request("GET", `/api/v1/diagnostics/bulk/${run.id}`)).json() as {
      status: string;
      done: number;
      ok: number;
    };
    expect(status).toMatchObject({ status: "done", done: 3, ok: 1 });
    const list = (await api.request("GET", `/api/v1/servers/${dead}`)).json() as {
      lastTest: { code: string };
    };
    expect(list.lastTest.code).toBe("CONNECTION_REFUSED");
  });

  it("documents its routes in the OpenAPI document", async () => {
    const response = await api.request("GET", "/api/v1/openapi.json");
    expect(response.statusCode).toBe(200);
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    for (const path of [
      "/api/v1/servers/{id}/test",
      "/api/v1/diagnostics/test",
      "/api/v1/diagnostics/bulk",
      "/api/v1/diagnostics/bulk/{id}/events",
    ]) {
      expect(paths).toContain(path);
    }
  });

  it("answers 404 for an unknown bulk run", async () => {
    const response = await api.request("GET", "/api/v1/diagnostics/bulk/424242/events");
    expect(response.statusCode).toBe(404);
    expect((response.json() as { error: { code: string } }).error.code).toBe("BULK_RUN_NOT_FOUND");
  });
});
