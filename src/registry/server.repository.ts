import { sql, type Insertable, type Selectable, type Updateable } from "kysely";
import type { ServerColumn } from "../domain/smtp-server.js";
import type { Db } from "../store/db.js";
import type { SmtpServerTable } from "../store/schema.js";
import { foldForSearch, likeContains } from "./search-text.js";

export type ServerRow = Selectable<SmtpServerTable>;

/** Sortable table column → database column. */
export const SORT_COLUMNS: Record<ServerColumn, keyof SmtpServerTable> = {
  id: "id",
  title: "title",
  host: "host",
  port: "port",
  authentication: "authentication",
  security: "security",
  mail: "mail",
  senderName: "sender_name",
  username: "username",
  usage: "usage_mode",
  confirmation: "confirmed_at",
};

export interface ServerFilter {
  q?: string | undefined;
  ids?: number[] | undefined;
  /** SQLite only: take the matching ids from the trigram index (see `trigramPattern`) instead of scanning. */
  useTrigramIndex?: boolean | undefined;
}

/** Shortest term the trigram index can answer: shorter ones have no trigram to look up. */
const TRIGRAM_MIN_CHARS = 3;

/**
 * The LIKE pattern for the SQLite trigram index, or null when the index cannot serve the term: fewer than
 * three characters, or LIKE metacharacters, which need an ESCAPE clause that makes FTS5 scan anyway.
 */
export function trigramPattern(q: string | undefined): string | null {
  const term = foldForSearch((q ?? "").trim());
  if (term.length < TRIGRAM_MIN_CHARS || /[\\%_]/.test(term)) return null;
  return `%${term}%`;
}

/** How many servers match, read from the SQLite trigram index (no table scan). */
export async function countServersByTrigram(db: Db, pattern: string): Promise<number> {
  const result = await sql<{
    n: number;
  }>`select count(*) as n from smtp_servers_fts where search_text like ${pattern}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * One page of a SQLite trigram search plus the number of matches, reading the index once: the matching ids
 * are materialised, counted, and the page sorts only them.
 */
export async function selectServerPageByTrigram(
  db: Db,
  pattern: string,
  sort: ServerColumn,
  order: "asc" | "desc",
  offset: number,
  limit: number,
): Promise<{ rows: ServerRow[]; total: number }> {
  const direction = sql.raw(order === "desc" ? "desc" : "asc");
  const column = sql.ref(`s.${SORT_COLUMNS[sort]}`);
  const result = await sql<ServerRow & { facteur_total: number }>`
    with m(id) as materialized (select rowid from smtp_servers_fts where search_text like ${pattern})
    select (select count(*) from m) as facteur_total, s.*
    from smtp_servers s where s.id in (select id from m)
    order by ${column} ${direction}, s.id ${direction}
    limit ${limit} offset ${offset}`.execute(db);
  const first = result.rows[0];
  const total = first ? Number(first.facteur_total) : await countServersByTrigram(db, pattern);
  return { rows: result.rows, total };
}

function filtered(db: Db, filter: ServerFilter) {
  let query = db.selectFrom("smtp_servers");
  const pattern = filter.useTrigramIndex ? trigramPattern(filter.q) : null;
  if (pattern) {
    query = query.where(
      sql<boolean>`id in (select rowid from smtp_servers_fts where search_text like ${pattern})`,
    );
  } else if (filter.q && filter.q.trim() !== "") {
    query = query.where(sql<boolean>`search_text like ${likeContains(filter.q.trim())} escape '\\'`);
  }
  if (filter.ids) query = query.where("id", "in", filter.ids.length > 0 ? filter.ids : [-1]);
  return query;
}

export async function countServers(db: Db, filter: ServerFilter): Promise<number> {
  const row = await filtered(db, filter)
    .select(({ fn }) => fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One page of servers in the requested order; `id` breaks ties so pages never overlap. */
export async function selectServerPage(
  db: Db,
  filter: ServerFilter,
  sort: ServerColumn,
  order: "asc" | "desc",
  offset: number,
  limit: number,
): Promise<ServerRow[]> {
  const column = SORT_COLUMNS[sort];
  let query = filtered(db, filter).selectAll().orderBy(column, order);
  if (column !== "id") query = query.orderBy("id", order);
  return query.offset(offset).limit(limit).execute();
}

/**
 * The batch after `after` in (sort column, id) order: keyset pagination, so a full export reads each row once
 * instead of re-walking every skipped row as OFFSET does. Not for the nullable confirmation column (a row
 * comparison with NULL matches nothing); callers use OFFSET there.
 */
export async function selectServerBatchAfter(
  db: Db,
  filter: ServerFilter,
  sort: Exclude<ServerColumn, "confirmation">,
  order: "asc" | "desc",
  after: ServerRow | null,
  limit: number,
): Promise<ServerRow[]> {
  const column = SORT_COLUMNS[sort];
  let query = filtered(db, filter).selectAll();
  if (after) {
    const comparison = sql.raw(order === "desc" ? "<" : ">");
    query =
      column === "id"
        ? query.where(sql<boolean>`id ${comparison} ${after.id}`)
        : query.where(sql<boolean>`(${sql.ref(column)}, id) ${comparison} (${after[column]}, ${after.id})`);
  }
  query = query.orderBy(column, order);
  if (column !== "id") query = query.orderBy("id", order);
  return query.limit(limit).execute();
}

export async function selectServer(db: Db, id: number): Promise<ServerRow | undefined> {
  return db.selectFrom("smtp_servers").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Only the logo columns of a server (the row's other columns may be large or secret). */
export async function selectServerLogo(
  db: Db,
  id: number,
): Promise<Pick<ServerRow, "logo_mime" | "logo_base64"> | undefined> {
  return db
    .selectFrom("smtp_servers")
    .select(["logo_mime", "logo_base64"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Inserts a server; returns its id. */
export async function insertServer(db: Db, values: Omit<Insertable<SmtpServerTable>, "id">): Promise<number> {
  const row = await db.insertInto("smtp_servers").values(values).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** Stores a sealed password on a server just inserted (sealing needs its id). */
export async function setServerPassword(db: Db, id: number, passwordEnc: string): Promise<void> {
  await db.updateTable("smtp_servers").set({ password_enc: passwordEnc }).where("id", "=", id).execute();
}

/** Applies an edit only while the stored version is still `version` (optimistic concurrency); true if applied. */
export async function updateServerAtVersion(
  db: Db,
  id: number,
  version: number,
  set: Updateable<SmtpServerTable>,
): Promise<boolean> {
  const result = await db
    .updateTable("smtp_servers")
    .set(set)
    .where("id", "=", id)
    .where("version", "=", version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes a server; false when there was none. */
export async function deleteServerRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom("smtp_servers").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Servers in the registry, confirmed ones, and ones whose last test failed (metrics). */
export async function countServersByState(
  db: Db,
): Promise<{ total: number; confirmed: number; lastTestFailed: number }> {
  const row = await db
    .selectFrom("smtp_servers")
    .select(({ fn, eb }) => [
      fn.countAll<number>().as("total"),
      fn.count<number>("confirmed_at").as("confirmed"),
      fn.sum<number>(eb.case().when("last_test_ok", "=", 0).then(1).else(0).end()).as("failing"),
    ])
    .executeTakeFirstOrThrow();
  return {
    total: Number(row.total),
    confirmed: Number(row.confirmed),
    lastTestFailed: Number(row.failing ?? 0),
  };
}

/** Department ids and names for a set of servers, in one query. */
export async function selectUsage(
  db: Db,
  serverIds: number[],
): Promise<Map<number, Array<{ id: number; name: string }>>> {
  const map = new Map<number, Array<{ id: number; name: string }>>();
  if (serverIds.length === 0) return map;
  const rows = await db
    .selectFrom("smtp_server_departments as sd")
    .innerJoin("departments as d", "d.id", "sd.department_id")
    .select(["sd.server_id", "d.id", "d.name"])
    .where("sd.server_id", "in", serverIds)
    .orderBy("d.name")
    .execute();
  for (const row of rows) {
    const list = map.get(row.server_id) ?? [];
    list.push({ id: row.id, name: row.name });
    map.set(row.server_id, list);
  }
  return map;
}

export async function replaceUsage(db: Db, serverId: number, departmentIds: number[]): Promise<void> {
  await db.deleteFrom("smtp_server_departments").where("server_id", "=", serverId).execute();
  const unique = [...new Set(departmentIds)];
  if (unique.length === 0) return;
  await db
    .insertInto("smtp_server_departments")
    .values(unique.map((department_id) => ({ server_id: serverId, department_id })))
    .execute();
}
