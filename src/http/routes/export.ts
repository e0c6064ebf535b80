import type { FacteurApp, RouteOptions } from "../types.js";

/** Streaming export of the servers table (CSV, XLSX, PDF). */
export default async function exportRoutes(_app: FacteurApp, _opts: RouteOptions): Promise<void> {}
