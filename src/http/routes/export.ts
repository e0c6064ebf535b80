import { EXPORT_FORMATS, exportQuerySchema } from "../../export/export-query.js";
import { exportServers } from "../../export/export.service.js";
import type { FacteurApp, RouteOptions } from "../types.js";

/**
 * Streaming export of the servers table (CSV, XLSX, PDF): the current view (search, sort, visible columns).
 * The paths are static routes, so find-my-way matches them before `/api/v1/servers/:id`.
 */
export default async function exportRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  for (const format of EXPORT_FORMATS) {
    app.get(
      `/api/v1/servers/export.${format}`,
      {
        config: { access: "read" },
        schema: {
          tags: ["servers"],
          summary: `Export the servers table as ${format.toUpperCase()} (streamed; passwords never included)`,
          querystring: exportQuerySchema,
        },
      },
      async (request, reply) => {
        const file = exportServers(ctx, format, { ...request.query, lang: request.lang });
        return reply
          .type(file.contentType)
          .header("content-disposition", `attachment; filename="${file.filename}"`)
          .header("cache-control", "no-store")
          .send(file.stream);
      },
    );
  }
}
