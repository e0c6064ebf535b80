import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { registeredRoutes } from "../../src/http/app.js";
import { STORE_KINDS, type TestContext } from "../helpers/context.js";
import type { SignedInApp } from "../helpers/http.js";
import { openInjectionRig, type InjectionRig } from "./injection-rig.js";
import {
  canHoldString,
  injectAt,
  routeBodySchema,
  walkSchema,
  type LeafKind,
  type StringLeaf,
} from "./injection-schema.js";
import { BASE_BODIES, bodyKey, concretePath, WRITE_METHODS, type Ids } from "./injection-bodies.js";

/**
 * Issue 13, items 4 and 7, as a class: every string field of every write route's body, found by walking the
 * route's zod schema (src/http/input-guard.ts records it per route), refuses a NUL anywhere, and every
 * single-line field refuses CR, LF, the Unicode line breaks and the other controls, with a 422 — never a 2xx
 * (stored, then written into a header or a protocol line), never a 5xx (PostgreSQL refusing NUL) — and nothing
 * is stored. Base bodies are the one hand-written part; the fields attacked come from the schemas, and a write
 * route with string fields and no base body fails the test (so a new route is covered the day it is added).
 */
const LONG = process.env.FACTEUR_LONG === "1";
const RUNS_PER_LEAF = LONG ? 40 : 6;

const SINGLE_LINE_BREAKS = [
  "\r",
  "\n",
  "\r\n",
  "\r\nBcc: victime@exemple.fr",
  "\r\nSET x",
  "\u0000",
  "\u0085", // NEL
  "\u2028", // LINE SEPARATOR
  "\u2029", // PARAGRAPH SEPARATOR
  "\t",
  "\u000b",
  "\u001b",
  "\u007f",
  // Invisible format characters that spoof what a reader sees (red-team finding 9).
  "\u202e", // RIGHT-TO-LEFT OVERRIDE
  "\u202a", // LEFT-TO-RIGHT EMBEDDING
  "\u2066", // LEFT-TO-RIGHT ISOLATE
  "\u2069", // POP DIRECTIONAL ISOLATE
  "\u200e", // LEFT-TO-RIGHT MARK
  "\u200f", // RIGHT-TO-LEFT MARK
  "\u061c", // ARABIC LETTER MARK
  "\u200b", // ZERO WIDTH SPACE
  "\u2060", // WORD JOINER
  "\ufeff", // BYTE ORDER MARK
  "\u00ad", // SOFT HYPHEN
];
const NUL_ONLY = ["\u0000", "a\u0000b", "\u0000=cmd"];
const BREAKS: Record<LeafKind, string[]> = {
  singleLine: SINGLE_LINE_BREAKS,
  multiLine: NUL_ONLY,
  any: NUL_ONLY,
};
/** What a refused write must not have changed: every row a write route can create or edit. */
async function storedState(t: TestContext): Promise<string> {
  const tables: Array<[string, string[]]> = [
    ["smtp_servers", ["id", "version", "title", "sender_name", "username", "password_enc"]],
    ["departments", ["id", "name"]],
    ["mail_domains", ["id", "version"]],
    ["outbox_messages", ["id"]],
    ["admin_preferences", ["admin_id", "key", "value_json"]],
    ["api_keys", ["id", "name"]],
    ["admins", ["id", "email"]],
  ];
  const state: Record<string, unknown> = {};
  for (const [table, columns] of tables)
    state[table] = await t.ctx.db
      .selectFrom(table as never)
      .select(columns as never)
      .execute()
      .then((rows) => rows.map((r) => JSON.stringify(r)).sort());
  return JSON.stringify(state);
}

describe.each(STORE_KINDS)("CR/LF/NUL in every string field of every write route (%s)", (kind) => {
  let t: TestContext;
  let s: SignedInApp;
  let ids: Ids;
  let rigSend: InjectionRig["send"];
  const tally = { requests: 0, leaves: 0 };

  function send(method: string, url: string, payload: unknown): Promise<LightMyRequestResponse> {
    tally.requests++;
    return rigSend(method, url, payload);
  }

  beforeAll(async () => {
    ({ t, s, ids, send: rigSend } = await openInjectionRig(kind, "exemple-base.fr"));
  });
  afterAll(async () => {
    console.log(`[injection ${kind}] string fields attacked ${tally.leaves}, requests ${tally.requests}`);
    await s?.app.close();
    await t?.dispose();
  });

  it("has a base body for every write route whose body can hold a string, valid, naming every field", () => {
    const missing: string[] = [];
    const problems: string[] = [];
    for (const route of registeredRoutes(s.app)) {
      if (!WRITE_METHODS.has(route.method)) continue;
      const schema = routeBodySchema(s.app, route.method, route.url);
      const key = bodyKey(route);
      if (!schema || !canHoldString(schema)) continue;
      const base = BASE_BODIES[key];
      if (!base) {
        missing.push(key);
        continue;
      }
      const body = base(ids);
      const parsed = schema.safeParse(body);
      if (!parsed.success) problems.push(`${key}: base body invalid ${JSON.stringify(parsed.error.issues)}`);
      const walk = walkSchema(schema, body);
      if (walk.uncovered.length > 0) problems.push(`${key}: base body lacks ${walk.uncovered.join(", ")}`);
      if (walk.leaves.length === 0) problems.push(`${key}: no string field found`);
    }
    expect(missing, "write routes without a base body in BASE_BODIES").toEqual([]);
    expect(problems).toEqual([]);
  });

  const routeCases = () =>
    registeredRoutes(s.app)
      .filter((route) => WRITE_METHODS.has(route.method))
      .flatMap((route) => {
        const schema = routeBodySchema(s.app, route.method, route.url);
        const base = BASE_BODIES[bodyKey(route)];
        if (!schema || !base) return [];
        const body = base(ids);
        return [{ route, schema, body, leaves: walkSchema(schema, body).leaves }];
      });

  async function attack(
    route: { method: string; url: string },
    body: unknown,
    leaf: StringLeaf,
    insert: string,
    at: number,
  ): Promise<void> {
    const injected = injectAt(body, leaf.path, insert, at);
    const response = await send(route.method, concretePath(route.url, ids), injected);
    const label = `${route.method} ${route.url} ${leaf.path.join(".")} ${JSON.stringify(insert)}@${at}`;
    expect(response.statusCode, `${label} → ${response.body.slice(0, 400)}`).toBe(422);
    const error = (response.json() as { error: { code: string; details?: Array<{ path: string }> } }).error;
    expect(["VALIDATION_FAILED", "MESSAGE_HEADER_INJECTION"], label).toContain(error.code);
    // The refusal names the attacked field (or the union/array holding it).
    const field = leaf.path.join(".");
    expect(
      (error.details ?? []).some((d) => field === d.path || field.startsWith(`${d.path}.`) || d.path === ""),
      `${label}: ${JSON.stringify(error.details)}`,
    ).toBe(true);
  }

  it("answers 422 and stores nothing for CR/LF/NUL anywhere in any string field (property)", async () => {
    const cases = routeCases();
    expect(cases.length).toBeGreaterThanOrEqual(10);
    for (const { route, schema, body, leaves } of cases) {
      const before = await storedState(t);
      tally.leaves += leaves.length;
      // Each field at least once at its end (a trailing CR/LF must not be trimmed away into a valid value)…
      for (const leaf of leaves) {
        await attack(
          route,
          body,
          leaf,
          leaf.kind === "singleLine" ? "\r\n" : "\u0000",
          Number.MAX_SAFE_INTEGER,
        );
        await attack(route, body, leaf, "\u0000", 0);
        if (leaf.kind === "singleLine") await attack(route, body, leaf, "\u202e", 1);
      }
      // …then random breaks at random positions.
      await fc.assert(
        fc.asyncProperty(
          fc
            .constantFrom(...leaves)
            .chain((leaf) => fc.tuple(fc.constant(leaf), fc.constantFrom(...BREAKS[leaf.kind]), fc.nat(200))),
          async ([leaf, insert, at]) => attack(route, body, leaf, insert, at),
        ),
        { numRuns: leaves.length * RUNS_PER_LEAF },
      );
      expect(await storedState(t), `${route.method} ${route.url} changed stored rows`).toBe(before);
      void (schema as z.ZodType);
    }
  });

  it("accepts ZWJ and ZWNJ in a one-line name (emoji sequences, Persian and Indic spelling)", async () => {
    for (const name of ["Équipe 👩\u200d💻", "می\u200cخواهم", "क्\u200dष"]) {
      const response = await send("PATCH", `/api/v1/departments/${ids.departmentId}`, { name });
      expect(response.statusCode, response.body).toBe(200);
      expect((response.json() as { name: string }).name).toBe(name);
    }
    const spoof = await send("PATCH", `/api/v1/departments/${ids.departmentId}`, { name: "A\u202eB" });
    expect(spoof.statusCode, spoof.body).toBe(422);
    expect(spoof.json()).toMatchObject({
      error: { details: [expect.objectContaining({ path: "name", code: "INVISIBLE_CHARACTER" })] },
    });
  });

  it("accepts multi-line text where it belongs: CR/LF in a message body and a signature", async () => {
    const multi = routeCases().flatMap(({ route, leaves }) =>
      leaves
        .filter((l) => l.kind === "multiLine")
        .map((l) => `${route.method} ${route.url} ${l.path.join(".")}`),
    );
    // The walker sees the declared multi-line fields; everything else is single-line by default.
    expect(multi).toEqual(
      expect.arrayContaining([
        "POST /api/v1/messages text",
        "POST /api/v1/messages html",
        "POST /api/v1/servers signatureHtml",
        "PATCH /api/v1/servers/:id signatureHtml",
      ]),
    );
    const response = await send("PATCH", `/api/v1/servers/${ids.serverId}`, {
      version: 1,
      signatureHtml: "<p>Cordialement,</p>\r\n<p>Exemple SARL</p>",
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});
