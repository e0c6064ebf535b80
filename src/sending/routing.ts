import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import { selectRouteGroups, selectRouteServer } from "./routing.repository.js";

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
 * Pure: the database query (routing.repository.ts) only gathers the two groups.
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
  const groups = await selectRouteGroups(db, { ...query, limit: CANDIDATES_MAX });
  return rankCandidates([
    ...groups.dedicated.map((r) => ({ ...r, dedicated: true })),
    ...groups.general.map((r) => ({ ...r, dedicated: false })),
  ]).slice(0, CANDIDATES_MAX);
}

/** A server named explicitly (confirmation mails, `serverId`): no routing, but the same shape. */
export async function findServerRoute(db: Kysely<Database>, serverId: number): Promise<RouteCandidate[]> {
  const row = await selectRouteServer(db, serverId);
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
