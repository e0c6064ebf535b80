import type { Selectable } from "kysely";
import type { Db } from "../store/db.js";
import type { SmtpServerTable } from "../store/schema.js";
import type {
  DiagnosticBulkItemTable,
  DiagnosticBulkRunTable,
  DiagnosticLastResultTable,
} from "./diagnostics.table.js";
import "./diagnostics.table.js";

export type BulkRunRow = Selectable<DiagnosticBulkRunTable>;
export type LastResultRow = Omit<Selectable<DiagnosticLastResultTable>, "server_id">;

/** Rows per INSERT of bulk items: 3 parameters a row, far under SQLite's bound-parameter limit. */
const BULK_ITEMS_PER_INSERT = 500;

/**
 * Records a server's last test summary on smtp_servers (not an edit: version and updated_at stay).
 * False when the server was deleted meanwhile.
 */
export async function setServerLastTest(
  db: Db,
  serverId: number,
  summary: Pick<Selectable<SmtpServerTable>, "last_test_ok" | "last_test_code" | "last_test_at">,
): Promise<boolean> {
  const updated = await db
    .updateTable("smtp_servers")
    .set(summary)
    .where("id", "=", serverId)
    .executeTakeFirst();
  return updated.numUpdatedRows !== 0n;
}

/** Stores (or replaces) a server's last full result. */
export async function upsertLastResult(db: Db, serverId: number, result: LastResultRow): Promise<void> {
  await db
    .insertInto("diagnostic_last_results")
    .values({ server_id: serverId, ...result })
    .onConflict((oc) => oc.column("server_id").doUpdateSet(result))
    .execute();
}

export async function selectLastResultJson(db: Db, serverId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom("diagnostic_last_results")
    .select("result_json")
    .where("server_id", "=", serverId)
    .executeTakeFirst();
  return row?.result_json;
}

/** Ids of the servers to test, by id: every server, or those among `wanted`; at most `limit`. */
export async function selectServerIdsToTest(
  db: Db,
  wanted: number[] | undefined,
  limit: number,
): Promise<number[]> {
  let query = db.selectFrom("smtp_servers").select("id").orderBy("id");
  if (wanted) query = query.where("id", "in", wanted);
  return (await query.limit(limit).execute()).map((row) => row.id);
}

/** Inserts a run and its pending items; returns the run and the items' ids. */
export async function insertBulkRun(
  db: Db,
  run: Omit<BulkRunRow, "id">,
  serverIds: number[],
): Promise<{ run: BulkRunRow; items: Array<{ id: number; server_id: number }> }> {
  const row = await db
    .insertInto("diagnostic_bulk_runs")
    .values(run)
    .returningAll()
    .executeTakeFirstOrThrow();
  const items: Array<{ id: number; server_id: number }> = [];
  for (let i = 0; i < serverIds.length; i += BULK_ITEMS_PER_INSERT) {
    const batch = serverIds
      .slice(i, i + BULK_ITEMS_PER_INSERT)
      .map((serverId) => ({ run_id: row.id, server_id: serverId, status: "pending" as const }));
    items.push(
      ...(await db
        .insertInto("diagnostic_bulk_items")
        .values(batch)
        .returning(["id", "server_id"])
        .execute()),
    );
  }
  return { run: row, items };
}

/**
 * Counts one finished item on its run and returns its position in finishing order: the counter is the
 * sequence, one atomic UPDATE … RETURNING on both dialects, whatever the instance.
 */
export async function countBulkItemDone(db: Db, runId: number, ok: boolean): Promise<number> {
  const counted = await db
    .updateTable("diagnostic_bulk_runs")
    .set((eb) => ({ done_count: eb("done_count", "+", 1), ok_count: eb("ok_count", "+", ok ? 1 : 0) }))
    .where("id", "=", runId)
    .returning("done_count")
    .executeTakeFirstOrThrow();
  return counted.done_count;
}

export async function finishBulkItem(
  db: Db,
  itemId: number,
  outcome: Pick<
    Selectable<DiagnosticBulkItemTable>,
    "ok" | "code" | "duration_ms" | "finished_at" | "finished_seq"
  >,
): Promise<void> {
  await db
    .updateTable("diagnostic_bulk_items")
    .set({ status: "done", ...outcome })
    .where("id", "=", itemId)
    .execute();
}

export async function finishBulkRun(db: Db, runId: number, finishedAt: string): Promise<void> {
  await db
    .updateTable("diagnostic_bulk_runs")
    .set({ status: "done", finished_at: finishedAt })
    .where("id", "=", runId)
    .execute();
}

export async function selectBulkRun(db: Db, id: number): Promise<BulkRunRow | undefined> {
  return db.selectFrom("diagnostic_bulk_runs").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Items of a run finished after `afterSeq`, in finishing order. */
export async function selectBulkItemsFinishedAfter(
  db: Db,
  runId: number,
  afterSeq: number,
  limit: number,
): Promise<
  Array<
    Pick<
      Selectable<DiagnosticBulkItemTable>,
      "server_id" | "ok" | "code" | "duration_ms" | "finished_at" | "finished_seq"
    >
  >
> {
  return db
    .selectFrom("diagnostic_bulk_items")
    .select(["server_id", "ok", "code", "duration_ms", "finished_at", "finished_seq"])
    .where("run_id", "=", runId)
    .where("finished_seq", ">", afterSeq)
    .orderBy("finished_seq")
    .limit(limit)
    .execute();
}
