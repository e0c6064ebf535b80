import type { Selectable, Transaction } from "kysely";
import type { Db, DialectName } from "../store/db.js";
import type { Database } from "../store/schema.js";
import type { LoginDeviceTable, LoginThrottleTable } from "./auth.table.js";
import "./auth.table.js";

export type ThrottleRow = Selectable<LoginThrottleTable>;

/**
 * Creates the missing counters (zero failures) and reads them, locked for the transaction: in one sorted
 * key order, so concurrent attempts never deadlock on PostgreSQL (`FOR UPDATE`); SQLite transactions begin
 * IMMEDIATE and are serial already.
 */
export async function lockThrottleCounters(
  trx: Transaction<Database>,
  dialect: DialectName,
  keys: string[],
  nowIso: string,
): Promise<Map<string, ThrottleRow>> {
  const sorted = [...keys].sort(); // one lock order for every process
  await trx
    .insertInto("login_throttle")
    .values(sorted.map((key) => ({ key, failures: 0, last_failure_at: nowIso, blocked_until: null })))
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  let query = trx.selectFrom("login_throttle").selectAll().where("key", "in", sorted).orderBy("key");
  if (dialect === "postgres") query = query.forUpdate();
  return new Map((await query.execute()).map((row) => [row.key, row]));
}

export async function setThrottleCounter(
  db: Db,
  key: string,
  counter: Omit<ThrottleRow, "key">,
): Promise<void> {
  await db.updateTable("login_throttle").set(counter).where("key", "=", key).execute();
}

export async function deleteThrottleCounter(db: Db, key: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("key", "=", key).execute();
}

/** Gives back one counted failure (never below zero). */
export async function decrementThrottleFailures(db: Db, key: string): Promise<void> {
  await db
    .updateTable("login_throttle")
    .set((eb) => ({
      failures: eb
        .case()
        .when("failures", ">", 0)
        .then(eb("failures", "-", 1))
        .else(0)
        .end(),
    }))
    .where("key", "=", key)
    .execute();
}

/** Restores `blocked_until` only if it is still the value this attempt wrote (no later attempt replaced it). */
export async function restoreBlockedUntil(
  db: Db,
  key: string,
  wrote: string,
  previous: string | null,
): Promise<void> {
  await db
    .updateTable("login_throttle")
    .set({ blocked_until: previous })
    .where("key", "=", key)
    .where("blocked_until", "=", wrote)
    .execute();
}

/** Drops counters whose last failure is older than `before` (ISO). */
export async function deleteThrottleCountersBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom("login_throttle").where("last_failure_at", "<", before).execute();
}

/** When the device cookie with this hash, for this account, expires; undefined when unknown. */
export async function selectDeviceExpiry(
  db: Db,
  tokenHash: string,
  accountHash: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom("login_devices")
    .select("expires_at")
    .where("token_hash", "=", tokenHash)
    .where("account_hash", "=", accountHash)
    .executeTakeFirst();
  return row?.expires_at;
}

export async function insertDevice(db: Db, device: Selectable<LoginDeviceTable>): Promise<void> {
  await db.insertInto("login_devices").values(device).execute();
}

/** Drops device cookies that expired before `before` (ISO). */
export async function deleteDevicesExpiredBefore(db: Db, before: string): Promise<void> {
  await db.deleteFrom("login_devices").where("expires_at", "<", before).execute();
}
