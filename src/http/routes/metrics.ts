import { renderMetrics } from "../../app/metrics.js";
import type { FacteurApp, RouteOptions } from "../types.js";

/** Prometheus metrics at `/metrics` (needs a `read` API key: `Authorization: Bearer fct_…` in the scrape config). */
export default async function metricsRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  app.get("/metrics", { config: { access: "read" }, schema: { hide: true } }, async (_request, reply) =>
    reply.type("text/plain; version=0.0.4; charset=utf-8").send(await renderMetrics(ctx)),
  );
}
