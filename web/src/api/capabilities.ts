import { useQuery } from "@tanstack/react-query";

/**
 * Which optional capabilities this Facteur server exposes, read from its OpenAPI document. Export,
 * confirmation and diagnostics ship separately: the UI shows their actions as "not available yet" until
 * the server has the routes, instead of failing on click.
 */
export interface Capabilities {
  exportFormats: Array<"csv" | "xlsx" | "pdf">;
  confirmation: boolean;
  test: boolean;
  bulkTest: boolean;
}

const NONE: Capabilities = { exportFormats: [], confirmation: false, test: false, bulkTest: false };

export function capabilitiesFromPaths(paths: string[]): Capabilities {
  const has = (pattern: RegExp) => paths.some((path) => pattern.test(path));
  const exportFormats = (["csv", "xlsx", "pdf"] as const).filter((format) =>
    has(new RegExp(`^/api/v1/servers/export(\\.${format}|\\.\\{?:?format\\}?|\\.:format)$`)),
  );
  return {
    exportFormats,
    confirmation: has(/^\/api\/v1\/servers\/\{id\}\/confirmation$/),
    test: has(/^\/api\/v1\/servers\/\{id\}\/test$/),
    bulkTest: has(/^\/api\/v1\/diagnostics\/bulk$/) && has(/^\/api\/v1\/diagnostics\/bulk\/\{id\}\/events$/),
  };
}

export function useCapabilities(): Capabilities {
  const query = useQuery({
    queryKey: ["capabilities"],
    queryFn: async () => {
      const response = await fetch("/api/v1/openapi.json", { credentials: "same-origin" });
      if (!response.ok) return NONE;
      const document = (await response.json()) as { paths?: Record<string, unknown> };
      return capabilitiesFromPaths(Object.keys(document.paths ?? {}));
    },
    staleTime: 5 * 60_000,
  });
  return query.data ?? NONE;
}
