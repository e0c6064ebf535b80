import { z } from "zod";

/**
 * Row ids, versions and other counters a caller sends to name or compare a stored row. Every such column is
 * a 32-bit `integer` in PostgreSQL (SQLite has no limit): a value above 2 147 483 647 made PostgreSQL fail the
 * query (`out of range for type integer`, a 500) where SQLite answered 404/422. Declared once and used for
 * every id in bodies, query strings and path parameters, so both stores answer the same coded 422.
 */
export const ID_MAX = 2_147_483_647;

/** An id in a JSON body: an integer from 1 to 2 147 483 647. */
export const idSchema = z.number().int().min(1).max(ID_MAX);

/** An id in a path parameter or a query string (text coerced to a number), same range. */
export const idParamSchema = z.coerce.number().int().min(1).max(ID_MAX);

/** A row version (optimistic locking) in a JSON body: same range as an id. */
export const versionSchema = idSchema;

/** A cursor (an id or a sequence number, 0 for "from the start") in a query string. */
export const cursorParamSchema = z.coerce.number().int().min(0).max(ID_MAX);

/** `{ id }` path parameters. */
export const idParams = z.object({ id: idParamSchema });
