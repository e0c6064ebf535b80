import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registeredRoutes } from "../../src/http/app.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import type { SignedInApp } from "../helpers/http.js";
import { openInjectionRig, type InjectionRig } from "./injection-rig.js";
import { BASE_BODIES, bodyKey, concretePath, type Ids } from "./injection-bodies.js";
import { numberPaths, routeSchema, setAt, type SchemaPart } from "./injection-schema.js";

/**
 * Red-team finding 2, as a class: every number a route reads from its path, query string or body (ids,
 * versions, cursors, pages, ports, priorities), found by walking the route's zod schemas, sent out of the
 * range a store can hold — 2^31 (one past PostgreSQL's `integer`), 3 000 000 000, 2^53, -1, 0, 1e308 — never
 * gets a 5xx on either store. PostgreSQL answered 500 (`out of range for type integer`) where SQLite
 * answered 404, even to a send key. The body around the attacked number is a valid base body
 * (injection-bodies.ts), so the value reaches the service and the query, not just the first schema check.
 */
const BODY_VALUES = [2 ** 31, 3_000_000_000, 2 ** 53, -1, 0, 1e308];
const TEXT_VALUES = ["2147483648", "3000000000", "9007199254740992", "-1", "0", "1e308"];

/** Numeric-only bodies (no string field, so the string property has none). */
const NUMERIC_BODIES: Record<string, (ids: Ids) => unknown> = {
  "POST /api/v1/diagnostics/bulk": ({ serverId }) => ({ serverIds: [serverId], concurrency: 2 }),
};

interface Attack {
  label: string;
  method: string;
  url: string;
  body: unknown;
}

describe.each(STORE_KINDS)("out-of-range numbers in every path, query and body field (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let ids: Ids;
  let send: InjectionRig["send"];

  beforeAll(async () => {
    ({ t, s, ids, send } = await openInjectionRig(kind, "exemple-ids.fr"));
  });
  afterAll(async () => {
    await s?.app.close();
    await t?.dispose();
  });

  const baseBody = (key: string): unknown => (BASE_BODIES[key] ?? NUMERIC_BODIES[key])?.(ids);

  /** Every (route, numeric field, value) to send; `missing` lists routes with a numeric body and no base. */
  function attacks(): { list: Attack[]; fields: string[]; missing: string[] } {
    const list: Attack[] = [];
    const fields: string[] = [];
    const missing: string[] = [];
    for (const route of registeredRoutes(s.app)) {
      const key = `${route.method} ${route.url}`;
      const base = baseBody(bodyKey(route));
      const part = (p: SchemaPart) => routeSchema(s.app, route.method, route.url, p);
      for (const path of part("params") ? numberPaths(part("params")!) : []) {
        fields.push(`${key} :${path.join(".")}`);
        for (const value of TEXT_VALUES)
          list.push({
            label: `${key} :${path.join(".")}=${value}`,
            method: route.method,
            url: concretePath(route.url.replace(`:${String(path[0])}`, value), ids),
            body: base,
          });
      }
      for (const path of part("querystring") ? numberPaths(part("querystring")!) : []) {
        fields.push(`${key} ?${path.join(".")}`);
        for (const value of TEXT_VALUES)
          list.push({
            label: `${key} ?${path.join(".")}=${value}`,
            method: route.method,
            url: `${concretePath(route.url, ids)}?${String(path[0])}=${value}`,
            body: base,
          });
      }
      const bodyPaths = part("body") ? numberPaths(part("body")!) : [];
      if (bodyPaths.length > 0 && base === undefined) missing.push(key);
      for (const path of bodyPaths) {
        fields.push(`${key} ${path.join(".")}`);
        for (const value of BODY_VALUES)
          list.push({
            label: `${key} ${path.join(".")}=${value}`,
            method: route.method,
            url: concretePath(route.url, ids),
            body: setAt(base, path, value),
          });
      }
    }
    return { list, fields, missing };
  }

  it("finds the numeric fields from the schemas, with a valid base body for every numeric body", () => {
    const { fields, missing } = attacks();
    expect(missing, "routes with a numeric body field and no base body").toEqual([]);
    // The fields the red team hit, found by the walk (not typed in here as the list attacked).
    expect(fields).toEqual(
      expect.arrayContaining([
        "GET /api/v1/messages ?serverId",
        "GET /api/v1/messages ?departmentId",
        "POST /api/v1/messages serverId",
        "POST /api/v1/messages department",
        "DELETE /api/v1/api-keys/:id :id",
        "POST /api/v1/diagnostics/bulk serverIds.0",
        "POST /api/v1/servers usage.departmentIds.0",
        "POST /api/v1/clients/domains outgoing.0.registryServerId",
        "PATCH /api/v1/servers/:id version",
        "GET /api/v1/servers/:id :id",
      ]),
    );
  });

  it("never answers 5xx to 2^31, 3e9, 2^53, -1, 0 or 1e308 in any numeric field", async () => {
    const { list } = attacks();
    expect(list.length).toBeGreaterThan(100);
    const failures: string[] = [];
    for (const attack of list) {
      const response = await send(attack.method, attack.url, attack.body);
      if (response.statusCode >= 500)
        failures.push(`${attack.label} → ${response.statusCode} ${response.body.slice(0, 160)}`);
    }
    expect(failures).toEqual([]);
  });

  it("refuses an out-of-range id with a coded 422 naming the field, like SQLite and PostgreSQL alike", async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ["GET", "/api/v1/messages?serverId=3000000000", undefined, "serverId"],
      ["GET", "/api/v1/messages?departmentId=3000000000", undefined, "departmentId"],
      ["DELETE", "/api/v1/api-keys/3000000000", undefined, "id"],
      [
        "POST",
        "/api/v1/messages",
        { to: "a@exemple.fr", subject: "s", text: "t", serverId: 3e9 },
        "serverId",
      ],
      [
        "POST",
        "/api/v1/messages",
        { to: "a@exemple.fr", subject: "s", text: "t", department: 3e9 },
        "department",
      ],
      ["POST", "/api/v1/diagnostics/bulk", { serverIds: [3e9] }, "serverIds.0"],
    ];
    for (const [method, url, body, field] of cases) {
      const response = await send(method, url, body);
      expect(response.statusCode, `${method} ${url} ${response.body}`).toBe(422);
      const details =
        (response.json() as { error: { details?: Array<{ path: string }> } }).error.details ?? [];
      expect(
        details.some((d) => [field, `querystring.${field}`, `params.${field}`].includes(d.path)),
        `${method} ${url}: ${JSON.stringify(details)}`,
      ).toBe(true);
    }
  });
});
