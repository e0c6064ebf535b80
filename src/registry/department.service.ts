import type { AppContext } from "../app/context.js";
import { FacteurError } from "../domain/errors.js";
import { idSchema } from "../domain/id.js";
import { departmentSchema } from "../domain/smtp-server.js";
import { parseOrThrow } from "../domain/validation.js";
import {
  deleteDepartmentRow,
  insertDepartment,
  renameDepartmentRow,
  selectDepartmentIdByNameKey,
  selectDepartmentsWithServerCount,
} from "./department.repository.js";
import { foldForSearch } from "./search-text.js";

export interface DepartmentView {
  id: number;
  name: string;
  /** How many servers name this department in a custom usage. */
  serverCount: number;
  createdAt: string;
  updatedAt: string;
}

export async function listDepartments(ctx: AppContext): Promise<DepartmentView[]> {
  const rows = await selectDepartmentsWithServerCount(ctx.db);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    serverCount: r.server_count,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

async function findDepartment(ctx: AppContext, id: number): Promise<DepartmentView> {
  if (!idSchema.safeParse(id).success) throw new FacteurError("DEPARTMENT_NOT_FOUND", { meta: { id } });
  const found = (await listDepartments(ctx)).find((d) => d.id === id);
  if (!found) throw new FacteurError("DEPARTMENT_NOT_FOUND", { meta: { id } });
  return found;
}

async function assertNameFree(ctx: AppContext, name: string, exceptId?: number): Promise<void> {
  const existing = await selectDepartmentIdByNameKey(ctx.db, foldForSearch(name));
  if (existing !== undefined && existing !== exceptId)
    throw new FacteurError("DEPARTMENT_NAME_TAKEN", { meta: { name } });
}

/**
 * The name through the same schema as the API (no line break, control or invisible character; trimmed;
 * 1–80 characters): the service validates itself, so the CLI and any future caller are held to it too.
 */
function validName(name: string): string {
  return parseOrThrow(departmentSchema, { name }).name;
}

export async function createDepartment(ctx: AppContext, rawName: string): Promise<DepartmentView> {
  const name = validName(rawName);
  await assertNameFree(ctx, name);
  const now = ctx.now().toISOString();
  const id = await insertDepartment(ctx.db, {
    name,
    name_key: foldForSearch(name),
    created_at: now,
    updated_at: now,
  });
  return findDepartment(ctx, id);
}

export async function renameDepartment(
  ctx: AppContext,
  id: number,
  rawName: string,
): Promise<DepartmentView> {
  const name = validName(rawName);
  await findDepartment(ctx, id);
  await assertNameFree(ctx, name, id);
  await renameDepartmentRow(ctx.db, id, {
    name,
    name_key: foldForSearch(name),
    updated_at: ctx.now().toISOString(),
  });
  return findDepartment(ctx, id);
}

/** Refuses to delete a department still named in a server's custom usage (the admin must choose). */
export async function deleteDepartment(ctx: AppContext, id: number): Promise<void> {
  const department = await findDepartment(ctx, id);
  if (department.serverCount > 0) {
    throw new FacteurError("DEPARTMENT_IN_USE", { meta: { id, servers: department.serverCount } });
  }
  await deleteDepartmentRow(ctx.db, id);
}
