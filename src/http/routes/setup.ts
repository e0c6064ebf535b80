import type { FacteurApp, RouteOptions } from "../types.js";

/** Routes of the setup capability. */
export default async function setupRoutes(_app: FacteurApp, _opts: RouteOptions): Promise<void> {}
