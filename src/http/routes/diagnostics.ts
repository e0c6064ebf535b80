import type { FacteurApp, RouteOptions } from "../types.js";

/** Routes of the diagnostics capability. */
export default async function diagnosticsRoutes(_app: FacteurApp, _opts: RouteOptions): Promise<void> {}
