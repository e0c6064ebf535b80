import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";

/** A server that may send a message, as routing sees it. */
export interface RouteCandidate {
  id: number;
  version: number;
  priority: number;
  /** True when the server's custom usage names the message's department. */
  dedicated: boolean;
}

const CANDIDATES_MAX = 10; // failover beyond ten servers for one message would only delay the failure

/**
 * Orders the servers that may send for a department: those whose custom usage ("Utilisation personnalisée")
 * names it first, then the "all services" ones ("Utilisation par défaut"); by priority, then id, in each group.
 * Pure: the database query only gathers the two groups.
 */
export function rankCandidates(candidates: RouteCandidate[]): RouteCandidate[] {
  return [...candidates].sort(
    (a, b) => Number(b.dedicated) - Number(a.dedicated) || a.priority - b.priority || a.id - b.id,
  );
}

export interface RouteQuery {
  departmentId: number | null;
  sendUnconfirmed: boolean;
}

/** The servers that may send a message of this department, best first. */
export async function findRoute(db: Kysely<Database>, query: RouteQuery): Promise<RouteCandidate[]> {
  let general = db
    .selectFrom("smtp_servers")
    .select(["id", "version", "priority"])
    .where("usage_mode", "=", "all");
  if (!query.sendUnconfirmed) general = general.where("confirmed_at", "is not", null);
  const generalRows = await general.orderBy("priority").orderBy("id").limit(CANDIDATES_MAX).execute();
  let dedicatedRows: typeof generalRows = [];
  if (query.departmentId !== null) {
    let dedicated = db
      .selectFrom("smtp_servers as s")
      .innerJoin("smtp_server_departments as sd", "sd.server_id", "s.id")
      .select(["s.id", "s.version", "s.priority"])
      .where("s.usage_mode", "=", "custom")
      .where("sd.department_id", "=", query.departmentId);
    if (!query.sendUnconfirmed) dedicated = dedicated.where("s.confirmed_at", "is not", null);
    dedicatedRows = await dedicated.orderBy("s.priority").orderBy("s.id").limit(CANDIDATES_MAX).execute();
  }
  return rankCandidates([
    ...dedicatedRows.map((r) => ({ ...r, dedicated: true })),
    ...generalRows.map((r) => ({ ...r, dedicated: false })),
  ]).slice(0, CANDIDATES_MAX);
}

/** A server named explicitly (confirmation mails, `serverId`): no routing, but the same shape. */
export async function findServerRoute(db: Kysely<Database>, serverId: number): Promise<RouteCandidate[]> {
  const row = await db
    .selectFrom("smtp_servers")
    .select(["id", "version", "priority"])
    .where("id", "=", serverId)
    .executeTakeFirst();
  return row ? [{ ...row, dedicated: true }] : [];
}

/**
 * Routes change only when an admin edits servers: caching them for a moment keeps one query per message off
 * the hot path of the API and the worker.
 */
export class RouteCache {
  private readonly entries = new Map<string, { at: number; route: Promise<RouteCandidate[]> }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: number,
  ) {}

  get(query: RouteQuery): Promise<RouteCandidate[]> {
    const key = `${query.departmentId ?? "-"}:${query.sendUnconfirmed ? 1 : 0}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.route;
    const route = findRoute(this.db, query);
    route.catch(() => this.entries.delete(key));
    this.entries.set(key, { at: now, route });
    return route;
  }

  clear(): void {
    this.entries.clear();
  }
}
