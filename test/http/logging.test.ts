import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { createTestContext, type TestContext } from "../helpers/context.js";
import { ADMIN_PASSWORD, serverBody, signedInApp } from "../helpers/http.js";

describe("logs", () => {
  const lines: string[] = [];
  let t: TestContext;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    t = await createTestContext("sqlite", { logger: createLogger("trace", sink) });
  });
  afterAll(async () => t.dispose());

  it("are structured, carry request ids and never contain a password, cookie or API key", async () => {
    const s = await signedInApp(t.ctx);
    await s.request("POST", "/api/v1/servers", serverBody({ password: "L0g!Secret-Never" }));
    await s.app.inject({
      method: "GET",
      url: "/api/v1/servers",
      headers: { authorization: `Bearer ${s.apiKey}` },
    });
    await s.app.close();
    const all = lines.join("");
    expect(lines.length).toBeGreaterThan(3);
    const parsed = lines.map((l) => JSON.parse(l) as { reqId?: string });
    expect(parsed.some((l) => typeof l.reqId === "string")).toBe(true);
    for (const secret of ["L0g!Secret-Never", ADMIN_PASSWORD, s.apiKey]) expect(all).not.toContain(secret);
  });
});
