import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import { createTestContext, type TestContext } from "../helpers/context.js";

/** Sends raw bytes and returns everything the server wrote until it closed the connection (or 3 s). */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" });
    const chunks: Buffer[] = [];
    const done = () => resolve(Buffer.concat(chunks).toString("utf8"));
    socket.setTimeout(3_000, () => {
      socket.destroy();
      done();
    });
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("end", done);
    socket.on("close", done);
    socket.on("error", (error) =>
      (error as NodeJS.ErrnoException).code === "ECONNRESET" ? done() : reject(error),
    );
    socket.write(request);
  });
}

/** Splits a byte stream into the HTTP responses it holds (bodies by Content-Length). */
function responses(stream: string): Array<{ status: number; headers: string; body: string }> {
  const out: Array<{ status: number; headers: string; body: string }> = [];
  let rest = stream;
  while (rest.startsWith("HTTP/1.1 ")) {
    const end = rest.indexOf("\r\n\r\n");
    if (end < 0) break;
    const headers = rest.slice(0, end);
    const length = Number(/content-length:\s*(\d+)/i.exec(headers)?.[1] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    out.push({ status: Number(headers.slice(9, 12)), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

function expectApiError(answer: { status: number; headers: string; body: string }) {
  expect(answer.headers).toMatch(/content-type: application\/json/i);
  const parsed = JSON.parse(answer.body) as {
    error: { code: string; message: string; messages: { fr: string; en: string }; requestId: string };
  };
  expect(parsed.error.code).toMatch(/^[A-Z_]+$/);
  expect(parsed.error.messages.fr).toBeTruthy();
  expect(parsed.error.messages.en).toBeTruthy();
  expect(parsed.error.requestId).toBeTruthy();
  return parsed.error;
}

describe("requests the HTTP parser refuses", () => {
  let t: TestContext;
  let app: FacteurApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestContext("sqlite");
    app = await buildApp(t.ctx);
    await app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app.close();
    await t.dispose();
  });

  const body = JSON.stringify({ email: "a@exemple.fr", password: "x" });
  const cases: Array<[string, string]> = [
    ["a non-numeric Content-Length", `Content-Length: abc\r\n\r\n${body}`],
    [
      "two different Content-Length headers",
      `Content-Length: ${body.length}\r\nContent-Length: 3\r\n\r\n${body}`,
    ],
    ["a negative Content-Length", `Content-Length: -5\r\n\r\n${body}`],
    [
      "Content-Length with Transfer-Encoding",
      `Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    ],
    ["a Content-Length shorter than the body", `Content-Length: 5\r\n\r\n${body}`],
  ];
  it.each(cases)("answers %s with the API's JSON error body, never Node's bare 400", async (_name, tail) => {
    const stream = await raw(
      port,
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${tail}`,
    );
    const answers = responses(stream);
    expect(answers.length, stream).toBeGreaterThan(0);
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expectApiError(answer);
    }
    expect(stream).not.toMatch(/"message":"Client Error"/);
  });

  it("answers a malformed header line with HTTP_REQUEST_MALFORMED", async () => {
    const answers = responses(
      await raw(port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"),
    );
    expect(answers).toHaveLength(1);
    expect(answers[0]!.status).toBe(400);
    expect(expectApiError(answers[0]!).code).toBe("HTTP_REQUEST_MALFORMED");
  });
});

describe("security headers", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  async function appWith(publicUrl: string) {
    const t = await createTestContext("sqlite", { config: { publicUrl } });
    const app = await buildApp(t.ctx);
    cleanups.push(async () => {
      await app.close();
      await t.dispose();
    });
    return app;
  }

  it("sets CSP, nosniff, framing and referrer policies on every answer; a page's own stricter policy wins", async () => {
    const app = await appWith("http://127.0.0.1:8787");
    for (const url of ["/api/v1/health", "/api/v1/servers", "/nowhere"]) {
      const response = await app.inject({ method: "GET", url });
      expect(response.headers["content-security-policy"], url).toMatch(/default-src 'self'/);
      expect(response.headers["x-content-type-options"], url).toBe("nosniff");
      expect(response.headers["x-frame-options"], url).toBe("DENY");
      expect(response.headers["referrer-policy"], url).toBe("same-origin");
      expect(response.headers["strict-transport-security"], url).toBeUndefined();
    }
    // The confirmation page holds its token in the URL: no Referer at all, and its own tight CSP.
    const link = await app.inject({ method: "GET", url: `/confirm/${"a".repeat(43)}` });
    expect(link.headers["referrer-policy"]).toBe("no-referrer");
    expect(link.headers["content-security-policy"]).toMatch(/^default-src 'none'/);
  });

  it("adds HSTS only when FACTEUR_PUBLIC_URL is https", async () => {
    const app = await appWith("https://facteur.exemple.fr");
    const response = await app.inject({ method: "GET", url: "/api/v1/health" });
    expect(response.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
    expect(response.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
  });
});
