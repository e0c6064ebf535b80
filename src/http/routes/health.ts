import { z } from "zod";
import { pingDatabase } from "../../ops/database.repository.js";
import type { FacteurApp, RouteOptions } from "../types.js";

/** Liveness (`/health`) and readiness (`/ready`: the database answers). */
export default async function healthRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  app.get(
    "/health",
    {
      config: { access: "public" },
      schema: { tags: ["health"], response: { 200: z.object({ status: z.literal("ok") }) } },
    },
    async () => ({ status: "ok" as const }),
  );
  app.get(
    "/ready",
    { config: { access: "public" }, schema: { tags: ["health"] } },
    async (_request, reply) => {
      try {
        await pingDatabase(ctx.db);
        return { status: "ready", database: ctx.dialect };
      } catch {
        return reply.status(503).send({ status: "unavailable", database: ctx.dialect });
      }
    },
  );
}
