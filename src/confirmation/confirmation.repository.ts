import type { Selectable } from "kysely";
import type { Db } from "../store/db.js";
import type { SmtpServerTable } from "../store/schema.js";
import type { ConfirmationTokenTable } from "./confirmation.table.js";
import "./confirmation.table.js";

/** The server columns a confirmation proves (its settings fingerprint) and its mail shows. */
export type ConfirmedSettings = Pick<
  Selectable<SmtpServerTable>,
  "id" | "title" | "host" | "port" | "security" | "username" | "password_enc" | "mail"
>;

export async function selectConfirmedSettings(
  db: Db,
  serverId: number,
): Promise<ConfirmedSettings | undefined> {
  return db
    .selectFrom("smtp_servers")
    .select(["id", "title", "host", "port", "security", "username", "password_enc", "mail"])
    .where("id", "=", serverId)
    .executeTakeFirst();
}

/** When the links for this server created after `since` (ISO) were made, newest first (rate limit). */
export async function selectTokenTimesSince(db: Db, serverId: number, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom("confirmation_tokens")
    .select("created_at")
    .where("server_id", "=", serverId)
    .where("created_at", ">", since)
    .orderBy("created_at", "desc")
    .execute();
  return rows.map((row) => row.created_at);
}

export async function insertConfirmationToken(
  db: Db,
  token: Selectable<ConfirmationTokenTable>,
): Promise<void> {
  await db.insertInto("confirmation_tokens").values(token).execute();
}

export async function setConfirmationSentAt(db: Db, serverId: number, sentAt: string): Promise<void> {
  await db
    .updateTable("smtp_servers")
    .set({ confirmation_sent_at: sentAt })
    .where("id", "=", serverId)
    .execute();
}

/** A link's token row with the server's current settings, to tell a valid link from a stale one. */
export async function selectTokenWithServer(
  db: Db,
  tokenHash: string,
): Promise<
  | (Pick<ConfirmationTokenTable, "settings_fingerprint" | "expires_at" | "used_at"> & ConfirmedSettings)
  | undefined
> {
  return db
    .selectFrom("confirmation_tokens as t")
    .innerJoin("smtp_servers as s", "s.id", "t.server_id")
    .select([
      "t.settings_fingerprint",
      "t.expires_at",
      "t.used_at",
      "s.id",
      "s.title",
      "s.host",
      "s.port",
      "s.security",
      "s.username",
      "s.password_enc",
      "s.mail",
    ])
    .where("t.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** Spends an unused link (a conditional update: two racing clicks spend it once); true when this call did. */
export async function spendConfirmationToken(
  db: Db,
  tokenHash: string,
  usedAt: string,
  usedIp: string,
): Promise<boolean> {
  const result = await db
    .updateTable("confirmation_tokens")
    .set({ used_at: usedAt, used_ip: usedIp })
    .where("token_hash", "=", tokenHash)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function markServerConfirmed(
  db: Db,
  serverId: number,
  confirmedAt: string,
  confirmedIp: string,
): Promise<void> {
  await db
    .updateTable("smtp_servers")
    .set({ confirmed_at: confirmedAt, confirmed_ip: confirmedIp })
    .where("id", "=", serverId)
    .execute();
}
