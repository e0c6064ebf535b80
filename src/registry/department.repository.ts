import type { Db } from "../store/db.js";

export interface DepartmentRow {
  id: number;
  name: string;
  created_at: string;
  updated_at: string;
  /** How many servers name this department in a custom usage. */
  server_count: number;
}

/** Every department with its number of servers, by name. */
export async function selectDepartmentsWithServerCount(db: Db): Promise<DepartmentRow[]> {
  const rows = await db
    .selectFrom("departments as d")
    .leftJoin("smtp_server_departments as sd", "sd.department_id", "d.id")
    .select(({ fn }) => [
      "d.id",
      "d.name",
      "d.created_at",
      "d.updated_at",
      fn.count<number>("sd.server_id").as("server_count"),
    ])
    .groupBy(["d.id", "d.name", "d.created_at", "d.updated_at"])
    .orderBy("d.name")
    .execute();
  return rows.map((row) => ({ ...row, server_count: Number(row.server_count) }));
}

/** The id of the department whose folded name is `nameKey`, if any. */
export async function selectDepartmentIdByNameKey(db: Db, nameKey: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("departments")
    .select("id")
    .where("name_key", "=", nameKey)
    .executeTakeFirst();
  return row?.id;
}

/** Which of these ids name an existing department. */
export async function selectExistingDepartmentIds(db: Db, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom("departments").select("id").where("id", "in", ids).execute();
  return new Set(rows.map((row) => row.id));
}

export async function insertDepartment(
  db: Db,
  department: { name: string; name_key: string; created_at: string; updated_at: string },
): Promise<number> {
  const row = await db.insertInto("departments").values(department).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function renameDepartmentRow(
  db: Db,
  id: number,
  change: { name: string; name_key: string; updated_at: string },
): Promise<void> {
  await db.updateTable("departments").set(change).where("id", "=", id).execute();
}

export async function deleteDepartmentRow(db: Db, id: number): Promise<void> {
  await db.deleteFrom("departments").where("id", "=", id).execute();
}
