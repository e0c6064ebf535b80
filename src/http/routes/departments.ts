import { departmentSchema } from "../../domain/smtp-server.js";
import {
  createDepartment,
  deleteDepartment,
  listDepartments,
  renameDepartment,
} from "../../registry/department.service.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { idParams } from "../../domain/id.js";
import { departmentListSchema, departmentViewSchema } from "../responses.js";

/** Departments (services: Achat, Vente, Production…) that servers' usage can name. */
export default async function departmentRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  app.get(
    "/api/v1/departments",
    {
      config: { access: "read" },
      schema: { tags: ["departments"], response: { 200: departmentListSchema } },
    },
    async () => ({ items: await listDepartments(ctx) }),
  );
  app.post(
    "/api/v1/departments",
    {
      config: { access: "admin" },
      schema: { tags: ["departments"], body: departmentSchema, response: { 201: departmentViewSchema } },
    },
    async (request, reply) => reply.status(201).send(await createDepartment(ctx, request.body.name)),
  );
  app.patch(
    "/api/v1/departments/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["departments"],
        params: idParams,
        body: departmentSchema,
        response: { 200: departmentViewSchema },
      },
    },
    async (request) => renameDepartment(ctx, request.params.id, request.body.name),
  );
  app.delete(
    "/api/v1/departments/:id",
    { config: { access: "admin" }, schema: { tags: ["departments"], params: idParams } },
    async (request, reply) => {
      await deleteDepartment(ctx, request.params.id);
      return reply.status(204).send();
    },
  );
}
