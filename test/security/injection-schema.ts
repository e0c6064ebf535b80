import { channel } from "node:diagnostics_channel";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import { MULTI_LINE_SCHEMAS } from "../../src/domain/text.js";

/**
 * The zod body schema of every route of every Fastify app built after this module loads, read from the
 * routes as they are registered (Fastify publishes each new instance on `fastify.initialization`). The test
 * needs no hook in the application for it, so it runs unchanged against older code.
 */
export type SchemaPart = "body" | "params" | "querystring";
const SCHEMAS = new WeakMap<object, Map<string, z.ZodType>>();
const initialization = channel("fastify.initialization"); // held: a channel without a reference may be collected
initialization.subscribe((message) => {
  const { fastify } = message as { fastify: FastifyInstance };
  const schemas = new Map<string, z.ZodType>();
  SCHEMAS.set(fastify, schemas);
  fastify.addHook("onRoute", (route) => {
    for (const part of ["body", "params", "querystring"] as const) {
      const schema = route.schema?.[part] as z.ZodType | undefined;
      if (!schema) continue;
      for (const method of Array.isArray(route.method) ? route.method : [route.method])
        schemas.set(`${part} ${method} ${route.url}`, schema);
    }
  });
});

/** The body schema a route of `app` declared, or undefined when it has none. */
export function routeBodySchema(app: object, method: string, url: string): z.ZodType | undefined {
  return routeSchema(app, method, url, "body");
}

/** The body, params or querystring schema a route of `app` declared, or undefined. */
export function routeSchema(
  app: object,
  method: string,
  url: string,
  part: SchemaPart,
): z.ZodType | undefined {
  return SCHEMAS.get(app)?.get(`${part} ${method} ${url}`);
}

/**
 * Every place a number goes in a schema (array elements as index 0, union options holding a number), for the
 * numeric-range property: ids, versions, cursors, pages, ports sent out of range must never reach a store.
 */
export function numberPaths(
  schema: z.ZodType,
  path: Array<string | number> = [],
  seen = new Set<z.ZodType>(),
): Array<Array<string | number>> {
  if (seen.has(schema)) return [];
  const d = def(schema);
  if (WRAPPERS.has(d.type)) return numberPaths(d.innerType!, path, seen);
  if (d.type === "pipe") return numberPaths(d.in!, path, seen);
  if (d.type === "lazy") return numberPaths(d.getter!(), path, new Set([...seen, schema]));
  switch (d.type) {
    case "number":
    case "int":
    case "bigint":
      return [path];
    case "object":
      return Object.entries(d.shape!).flatMap(([k, f]) => numberPaths(f, [...path, k], seen));
    case "array":
      return numberPaths(d.element!, [...path, 0], seen);
    case "tuple":
      return d.items!.flatMap((item, i) => numberPaths(item, [...path, i], seen));
    case "union": {
      const found = d.options!.flatMap((o) => numberPaths(o, path, seen));
      const unique = new Map(found.map((p) => [p.join("."), p]));
      return [...unique.values()];
    }
    case "intersection":
      return [...numberPaths(d.left!, path, seen), ...numberPaths(d.right!, path, seen)];
    default:
      return [];
  }
}

/** A copy of `value` with `leaf` set at `path`, creating the objects and arrays on the way. */
export function setAt(value: unknown, path: Array<string | number>, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (structuredClone(value ?? (typeof path[0] === "number" ? [] : {})) ?? {}) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = path;
  const base = copy && typeof copy === "object" ? copy : typeof head === "number" ? [] : {};
  (base as Record<string | number, unknown>)[head!] = setAt(
    (base as Record<string | number, unknown>)[head!],
    rest,
    leaf,
  );
  return base;
}

/**
 * Walks a zod v4 schema alongside a valid value of it and lists every place a string goes: the fields the
 * injection property attacks. The list comes from the schema, never from a hand-typed field list, so a new
 * field is attacked the day it is added. A field the schema declares but the base body leaves out is
 * reported as uncovered (the test fails until the base body holds it).
 */
export type LeafKind = "singleLine" | "multiLine" | "any";
export interface StringLeaf {
  path: Array<string | number>;
  kind: LeafKind;
}
export interface Walk {
  leaves: StringLeaf[];
  /** Paths of fields that can hold a string and are absent from the value. */
  uncovered: string[];
}

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
  items?: z.ZodType[];
  getter?: () => z.ZodType;
};
const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

/** Whether a value of this schema can be (or contain) a free string; enums and literals cannot. */
export function canHoldString(schema: z.ZodType, seen = new Set<z.ZodType>()): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  const d = def(schema);
  if (d.type === "string" || d.type === "unknown" || d.type === "any") return true;
  if (WRAPPERS.has(d.type)) return canHoldString(d.innerType!, seen);
  if (d.type === "pipe") return canHoldString(d.in!, seen);
  if (d.type === "lazy") return canHoldString(d.getter!(), seen);
  if (d.type === "object") return Object.values(d.shape!).some((s) => canHoldString(s, seen));
  if (d.type === "array") return canHoldString(d.element!, seen);
  if (d.type === "union") return d.options!.some((s) => canHoldString(s, seen));
  if (d.type === "record") return canHoldString(d.valueType!, seen);
  if (d.type === "intersection") return canHoldString(d.left!, seen) || canHoldString(d.right!, seen);
  if (d.type === "tuple") return d.items!.some((s) => canHoldString(s, seen));
  return false;
}

function anyLeaves(value: unknown, path: Array<string | number>, out: Walk): void {
  if (typeof value === "string") out.leaves.push({ path, kind: "any" });
  else if (Array.isArray(value)) value.forEach((v, i) => anyLeaves(v, [...path, i], out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) anyLeaves(v, [...path, k], out);
}

export function walkSchema(
  schema: z.ZodType,
  value: unknown,
  path: Array<string | number> = [],
  out: Walk = { leaves: [], uncovered: [] },
  multi = false,
): Walk {
  const isMulti = multi || MULTI_LINE_SCHEMAS.has(schema);
  const d = def(schema);
  if (WRAPPERS.has(d.type)) return walkSchema(d.innerType!, value, path, out, isMulti);
  if (d.type === "pipe") return walkSchema(d.in!, value, path, out, isMulti);
  if (d.type === "lazy") return walkSchema(d.getter!(), value, path, out, isMulti);
  switch (d.type) {
    case "string":
      if (typeof value === "string") out.leaves.push({ path, kind: isMulti ? "multiLine" : "singleLine" });
      break;
    case "unknown":
    case "any":
      anyLeaves(value, path, out);
      break;
    case "object":
      if (value && typeof value === "object" && !Array.isArray(value))
        for (const [key, field] of Object.entries(d.shape!)) {
          if (key in value) walkSchema(field, (value as Record<string, unknown>)[key], [...path, key], out);
          else if (canHoldString(field)) out.uncovered.push([...path, key].join("."));
        }
      break;
    case "array":
      if (Array.isArray(value)) value.forEach((v, i) => walkSchema(d.element!, v, [...path, i], out));
      break;
    case "union": {
      // The options this value is an instance of (a recipient is an address or an {address, name}).
      const matching = d.options!.filter((option) => option.safeParse(value).success);
      const seen = new Set(out.leaves.map((l) => l.path.join(".")));
      for (const option of matching) {
        const sub = walkSchema(option, value, path, { leaves: [], uncovered: [] }, isMulti);
        for (const leaf of sub.leaves) if (!seen.has(leaf.path.join("."))) out.leaves.push(leaf);
        out.uncovered.push(...sub.uncovered);
      }
      break;
    }
    case "record":
      if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) walkSchema(d.valueType!, v, [...path, k], out);
      break;
    case "intersection":
      walkSchema(d.left!, value, path, out, isMulti);
      walkSchema(d.right!, value, path, out, isMulti);
      break;
    default:
      break;
  }
  return out;
}

/** A copy of `body` with `insert` placed at `at` (clamped) inside the string found at `path`. */
export function injectAt(body: unknown, path: Array<string | number>, insert: string, at: number): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const value = path.length === 0 ? (body as string) : (parent[last] as string);
  const position = at % (value.length + 1);
  const injected = value.slice(0, position) + insert + value.slice(position);
  if (path.length === 0) return injected;
  parent[last] = injected;
  return copy;
}
