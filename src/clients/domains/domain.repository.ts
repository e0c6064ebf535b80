import type { Kysely, Selectable } from "kysely";
import type { Database } from "../../store/schema.js";
import type { MailDomainServerTable, MailDomainTable } from "./domain.table.js";
import "./domain.table.js";

/** Rows of one domain and its servers, as stored. Repositories take `db` (or a transaction) first. */
export interface DomainRows {
  domain: Selectable<MailDomainTable>;
  servers: Array<Selectable<MailDomainServerTable>>;
}

export type ServerRowInput = Omit<MailDomainServerTable, "id" | "domain_id">;

async function serversOf(db: Kysely<Database>, domainIds: number[]) {
  if (domainIds.length === 0) return [];
  return db
    .selectFrom("mail_domain_servers")
    .selectAll()
    .where("domain_id", "in", domainIds)
    .orderBy("domain_id")
    .orderBy("direction")
    .orderBy("position")
    .execute();
}

export async function listDomainRows(db: Kysely<Database>): Promise<DomainRows[]> {
  const domains = await db.selectFrom("mail_domains").selectAll().orderBy("name").execute();
  const servers = await serversOf(
    db,
    domains.map((d) => d.id),
  );
  return domains.map((domain) => ({ domain, servers: servers.filter((s) => s.domain_id === domain.id) }));
}

export async function findDomainRows(
  db: Kysely<Database>,
  by: { id: number } | { name: string },
): Promise<DomainRows | undefined> {
  let query = db.selectFrom("mail_domains").selectAll();
  query = "id" in by ? query.where("id", "=", by.id) : query.where("name", "=", by.name);
  const domain = await query.executeTakeFirst();
  if (!domain) return undefined;
  return { domain, servers: await serversOf(db, [domain.id]) };
}

export async function insertDomainRow(
  db: Kysely<Database>,
  values: Omit<MailDomainTable, "id">,
): Promise<number> {
  const row = await db.insertInto("mail_domains").values(values).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** Bumps the version only when the caller read the current one; false when someone else wrote first. */
export async function updateDomainRow(
  db: Kysely<Database>,
  id: number,
  expectedVersion: number,
  values: Partial<Pick<MailDomainTable, "name" | "display_name" | "updated_at">>,
): Promise<boolean> {
  const result = await db
    .updateTable("mail_domains")
    .set({ ...values, version: expectedVersion + 1 })
    .where("id", "=", id)
    .where("version", "=", expectedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function replaceServerRows(
  db: Kysely<Database>,
  domainId: number,
  direction: "incoming" | "outgoing",
  rows: ServerRowInput[],
): Promise<void> {
  await db
    .deleteFrom("mail_domain_servers")
    .where("domain_id", "=", domainId)
    .where("direction", "=", direction)
    .execute();
  if (rows.length === 0) return;
  await db
    .insertInto("mail_domain_servers")
    .values(rows.map((r) => ({ ...r, domain_id: domainId })))
    .execute();
}

export async function deleteDomainRow(db: Kysely<Database>, id: number): Promise<boolean> {
  // Servers go with the domain (ON DELETE CASCADE); delete them first anyway, SQLite may run without FK checks.
  await db.deleteFrom("mail_domain_servers").where("domain_id", "=", id).execute();
  const result = await db.deleteFrom("mail_domains").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
