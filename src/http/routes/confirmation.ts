import type { FacteurApp, RouteOptions } from "../types.js";

/** Routes of the confirmation capability. */
export default async function confirmationRoutes(_app: FacteurApp, _opts: RouteOptions): Promise<void> {}
