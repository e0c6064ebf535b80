import type { AppContext } from "../app/context.js";
import type { ListServersQuery, SmtpServerView } from "../domain/smtp-server.js";
import {
  countServers,
  countServersByTrigram,
  selectServerBatchAfter,
  selectServerPage,
  selectServerPageByTrigram,
  selectUsage,
  trigramPattern,
  type ServerFilter,
  type ServerRow,
} from "./server.repository.js";
import { toView } from "./server-view.js";

export interface ServerPage {
  items: SmtpServerView[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Past this many matches, a search page sorted by id walks the id order and tests each row: matches are
 * common and spread along ids, so 50 come quickly. Below it the page takes the ids from the trigram index.
 * Other sorts always take the ids from the index: the other sortable columns (title, host, mail…) are part
 * of the searched text, so their matches cluster in that order and a walk could read most of the table
 * first. Measured in docs/BENCHMARKS.md (bench/registry).
 */
const TRIGRAM_PAGE_MAX_MATCHES = 2_000;

export async function listServers(ctx: AppContext, query: ListServersQuery): Promise<ServerPage> {
  const offset = (query.page - 1) * query.pageSize;
  const pattern = ctx.dialect === "sqlite" ? trigramPattern(query.q) : null;
  let filter: ServerFilter = { q: query.q };
  let total: number;
  let rows: ServerRow[];
  if (pattern && query.sort !== "id") {
    // SQLite search sorted by a text column: one pass over the trigram index gives the page and the count.
    ({ rows, total } = await selectServerPageByTrigram(
      ctx.db,
      pattern,
      query.sort,
      query.order,
      offset,
      query.pageSize,
    ));
  } else if (pattern) {
    // SQLite search by id: count from the trigram index, then pick the cheaper way to build the page.
    total = await countServersByTrigram(ctx.db, pattern);
    filter = { q: query.q, useTrigramIndex: total <= TRIGRAM_PAGE_MAX_MATCHES };
    rows =
      total === 0
        ? []
        : await selectServerPage(ctx.db, filter, query.sort, query.order, offset, query.pageSize);
  } else {
    // PostgreSQL uses its pg_trgm GIN index for the same LIKE by itself.
    [total, rows] = await Promise.all([
      countServers(ctx.db, filter),
      selectServerPage(ctx.db, filter, query.sort, query.order, offset, query.pageSize),
    ]);
  }
  const usage = await selectUsage(
    ctx.db,
    rows.filter((r) => r.usage_mode === "custom").map((r) => r.id),
  );
  return {
    items: rows.map((r) => toView(r, usage.get(r.id) ?? [])),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Streams every server matching a filter in table order, in batches: exports of 100,000 rows never hold
 * more than one batch in memory.
 */
export async function* iterateServers(
  ctx: AppContext,
  query: Pick<ListServersQuery, "q" | "sort" | "order">,
  batchSize = 1_000,
): AsyncGenerator<SmtpServerView> {
  const sort = query.sort;
  let last: ServerRow | null = null;
  for (let offset = 0; ; offset += batchSize) {
    const rows: ServerRow[] =
      sort === "confirmation"
        ? await selectServerPage(ctx.db, { q: query.q }, sort, query.order, offset, batchSize)
        : await selectServerBatchAfter(ctx.db, { q: query.q }, sort, query.order, last, batchSize);
    last = rows.at(-1) ?? null;
    const usage = await selectUsage(
      ctx.db,
      rows.filter((r) => r.usage_mode === "custom").map((r) => r.id),
    );
    for (const row of rows) yield toView(row, usage.get(row.id) ?? []);
    if (rows.length < batchSize) return;
  }
}
