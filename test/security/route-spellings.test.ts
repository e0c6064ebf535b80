import { connect, createServer as createTcpServer, type Server } from "node:net";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes, type RegisteredRoute } from "../../src/http/app.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { samplePath } from "./route-samples.js";
import { spellings, type Spelling } from "./route-spellings.js";

/**
 * Issue 13, item 1, at the raw socket: for EVERY registered private route and method, many spellings of its
 * path that an HTTP stack may accept, sent without credentials over real TCP to a listening server. Each must be
 * refused (401/403), unknown (404) or rejected by the HTTP parser (400), and nothing in the database may change;
 * no outbound connection may be attempted (the seeded server and test bodies point at a counting listener).
 */

/** Bodies that would succeed if the access decision let them through: the effect to watch for. */
function effectBody(route: RegisteredRoute, sinkPort: number): unknown {
  const bodies: Record<string, unknown> = {
    "POST /api/v1/api-keys": { name: "pwned", scopes: ["admin"] },
    "POST /api/v1/servers": serverBody({ title: "pwned", host: "127.0.0.1", port: sinkPort }),
    "PATCH /api/v1/servers/:id": { title: "pwned" },
    "POST /api/v1/departments": { name: "pwned" },
    "PATCH /api/v1/departments/:id": { name: "pwned" },
    "POST /api/v1/messages": { to: "victime@exemple.fr", subject: "pwned", text: "x" },
    "POST /api/v1/diagnostics/test": {
      protocol: "smtp",
      host: "127.0.0.1",
      port: sinkPort,
      security: "none",
      authentication: "none",
    },
    "POST /api/v1/clients/domains": {
      name: "pwned.fr",
      incoming: [{ protocol: "imap", host: "imap.pwned.fr", security: "tls" }],
      outgoing: [{ host: "smtp.pwned.fr", security: "starttls" }],
    },
    "PUT /api/v1/preferences/:key": { value: "pwned" },
  };
  return bodies[`${route.method} ${route.url}`] ?? {};
}

interface RawAnswer {
  status: number;
  body: string;
}

/** One request on its own connection (`Connection: close`), read to the end; status 0 if nothing came back. */
function rawRequest(port: number, request: string): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
    // No half-close: the server closes after its answer (`Connection: close`, HTTP/1.0 or a parser error).
    socket.write(request);
  });
}

function requestText(spelling: Spelling, port: number, body: unknown): string {
  const payload = spelling.withBody ? JSON.stringify(body) : undefined;
  const lines = [
    `${spelling.method} ${spelling.target.replace("{origin}", `http://127.0.0.1:${port}`)} ${spelling.version}`,
    `Host: 127.0.0.1:${port}`,
    "Connection: close",
    ...(payload !== undefined
      ? ["Content-Type: application/json", `Content-Length: ${Buffer.byteLength(payload)}`]
      : []),
  ];
  return `${lines.join("\r\n")}\r\n\r\n${payload ?? ""}`;
}

/** An answer that proves the request went no further than the access decision, the router or the parser. */
function refusedEarly(answer: RawAnswer, method: string): boolean {
  if (method === "HEAD" || answer.body === "") return [400, 401, 403, 404].includes(answer.status);
  let code: string | undefined;
  try {
    code = (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return answer.status === 400; // Node's own parser answer: no JSON at all
  }
  switch (answer.status) {
    case 400: // refused before routing: bad percent-encoding, or a request line the parser will not take
      return code === undefined || code === "URL_INVALID" || code === "HTTP_REQUEST_MALFORMED";
    case 401:
      return code === "UNAUTHENTICATED";
    case 403:
      return code === "FORBIDDEN" || code === "CSRF_INVALID";
    case 404:
      return code === "NOT_FOUND";
    default:
      return false;
  }
}

/** Every row of every table (migration bookkeeping aside), rows in a stable order. */
async function snapshot(t: TestContext): Promise<Record<string, string[]>> {
  const tables = (
    t.ctx.dialect === "sqlite"
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'
          and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(t.ctx.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_name not like 'kysely_%'`.execute(t.ctx.db)
  ).rows
    .map((row) => row.name)
    .sort();
  const out: Record<string, string[]> = {};
  for (const table of tables)
    out[table] = (await sql`select * from ${sql.table(table)}`.execute(t.ctx.db)).rows
      .map((row) => JSON.stringify(row))
      .sort();
  return out;
}

/** Runs `jobs` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, job: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await job(items[index]!);
      }
    }),
  );
  return results;
}

describe.each(STORE_KINDS)(
  "every private route, spelled every way, at the raw socket, without credentials (%s)",
  (kind) => {
    let t: TestContext;
    let s: SignedInApp;
    let port: number;
    let sink: Server;
    let sinkPort: number;
    let sinkConnections = 0;

    beforeAll(async () => {
      sink = createTcpServer((socket) => {
        sinkConnections += 1;
        socket.destroy();
      });
      await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
      sinkPort = (sink.address() as { port: number }).port;
      t = await createTestContext(kind);
      s = await signedInApp(t.ctx);
      // Something for every :id to hit: server 1, department 1, domain 1, a preference.
      const seeds = [
        await s.request("POST", "/api/v1/departments", { name: "Service témoin" }),
        await s.request("POST", "/api/v1/servers", serverBody({ host: "127.0.0.1", port: sinkPort })),
        await s.request(
          "POST",
          "/api/v1/clients/domains",
          effectBody({ method: "POST", url: "/api/v1/clients/domains" } as RegisteredRoute, 0),
        ),
        await s.request("PUT", "/api/v1/preferences/x", { value: "kept" }),
      ];
      for (const seed of seeds) expect(seed.statusCode, seed.body).toBeLessThan(300);
      sinkConnections = 0;
      await s.app.listen({ host: "127.0.0.1", port: 0 });
      port = (s.app.server.address() as { port: number }).port;
    });
    afterAll(async () => {
      await s.app.close();
      await t.dispose();
      await new Promise((resolve) => sink.close(resolve));
    });

    it("answers only 400/401/403/404 and changes nothing", { timeout: 120_000 }, async () => {
      const routes = registeredRoutes(s.app).filter((route) => !route.public);
      expect(routes.length).toBeGreaterThan(50);
      const jobs = routes.flatMap((route) =>
        spellings(route.method, samplePath(route.url)).map((spelling) => ({ route, spelling })),
      );
      // Bounded: a few thousand requests, each on its own short connection.
      expect(jobs.length).toBeGreaterThan(2_000);
      expect(jobs.length).toBeLessThan(8_000);
      const before = await snapshot(t);
      // The snapshot sees the seeded rows (a vacuous snapshot would prove nothing).
      for (const table of ["api_keys", "smtp_servers", "departments", "admin_sessions", "admin_preferences"])
        expect(before[table]?.length, table).toBeGreaterThan(0);
      const answers = await pool(jobs, 16, ({ route, spelling }) =>
        rawRequest(port, requestText(spelling, port, effectBody(route, sinkPort))),
      );
      const leaks = jobs
        .map(({ route, spelling }, i) => ({ route, spelling, answer: answers[i]! }))
        .filter(({ spelling, answer }) => !refusedEarly(answer, spelling.method))
        .map(
          ({ route, spelling, answer }) =>
            `${route.method} ${route.url} as ${spelling.method} ${spelling.target} ${spelling.version} → ${answer.status} ${answer.body.slice(0, 60)}`,
        );
      expect({ count: leaks.length, first: leaks.slice(0, 30) }).toEqual({ count: 0, first: [] });
      expect(await snapshot(t)).toEqual(before);
      expect(sinkConnections).toBe(0);
      // The run also met each kind of answer it allows: the checks above looked at real refusals.
      const statuses = new Set(answers.map((a) => a.status));
      expect(statuses).toContain(401);
      expect(statuses).toContain(404);
    });

    it("still serves the same routes to a signed-in caller (the spellings test is not vacuous)", async () => {
      const answer = await rawRequest(
        port,
        `GET /api/v1/servers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${s.apiKey}\r\n\r\n`,
      );
      expect(answer.status).toBe(200);
      const encoded = await rawRequest(
        port,
        `GET /%61pi/v1/servers HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer ${s.apiKey}\r\n\r\n`,
      );
      expect(encoded.status).toBe(200); // the router decodes %61: same route, same decision
    });
  },
);
