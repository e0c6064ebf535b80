import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** A server row as routing reads it. */
export interface RouteRow {
  id: number;
  version: number;
  priority: number;
}

export interface CandidateQuery {
  departmentId: number | null;
  sendUnconfirmed: boolean;
  /** Rows per group at most. */
  limit: number;
}

/**
 * The two groups of servers that may send for a department, each by priority then id: those whose custom
 * usage names it (`dedicated`), and the "all services" ones (`general`). Confirmed servers only unless
 * `sendUnconfirmed`.
 */
export async function selectRouteGroups(
  db: Kysely<Database>,
  query: CandidateQuery,
): Promise<{ dedicated: RouteRow[]; general: RouteRow[] }> {
  let general = db
    .selectFrom("smtp_servers")
    .select(["id", "version", "priority"])
    .where("usage_mode", "=", "all");
  if (!query.sendUnconfirmed) general = general.where("confirmed_at", "is not", null);
  const generalRows = await general.orderBy("priority").orderBy("id").limit(query.limit).execute();
  if (query.departmentId === null) return { dedicated: [], general: generalRows };
  let dedicated = db
    .selectFrom("smtp_servers as s")
    .innerJoin("smtp_server_departments as sd", "sd.server_id", "s.id")
    .select(["s.id", "s.version", "s.priority"])
    .where("s.usage_mode", "=", "custom")
    .where("sd.department_id", "=", query.departmentId);
  if (!query.sendUnconfirmed) dedicated = dedicated.where("s.confirmed_at", "is not", null);
  const dedicatedRows = await dedicated.orderBy("s.priority").orderBy("s.id").limit(query.limit).execute();
  return { dedicated: dedicatedRows, general: generalRows };
}

/** One server by id, as routing reads it (confirmation mails and `serverId` name their server). */
export async function selectRouteServer(
  db: Kysely<Database>,
  serverId: number,
): Promise<RouteRow | undefined> {
  return db
    .selectFrom("smtp_servers")
    .select(["id", "version", "priority"])
    .where("id", "=", serverId)
    .executeTakeFirst();
}

/** A department's id from its id or its folded name (`name_key`); undefined when it does not exist. */
export async function selectDepartmentId(
  db: Kysely<Database>,
  department: { id: number } | { nameKey: string },
): Promise<number | undefined> {
  const query = db.selectFrom("departments").select("id");
  const row =
    "id" in department
      ? await query.where("id", "=", department.id).executeTakeFirst()
      : await query.where("name_key", "=", department.nameKey).executeTakeFirst();
  return row?.id;
}
