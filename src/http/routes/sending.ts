import type { FacteurApp, RouteOptions } from "../types.js";

/** Routes of the sending capability. */
export default async function sendingRoutes(_app: FacteurApp, _opts: RouteOptions): Promise<void> {}
