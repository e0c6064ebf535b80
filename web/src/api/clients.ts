import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import type { DiscoveryResult } from "../../../src/clients/discovery/discover.js";
import type { ServerSettings } from "../../../src/clients/model.js";
import type { guideListSchema } from "../../../src/http/responses.js";
import type { Lang } from "../i18n.js";
import { api } from "./client.js";

export { loginFor } from "../../../src/clients/model.js";
export type { DiscoveryResult, ServerSettings };
/** A mail client with a guide, as `GET /api/v1/clients/guides` lists it. */
export type GuideSummary = z.infer<typeof guideListSchema>["items"][number];

export const clientsKey = ["clients"] as const;

/** The settings of an address, from the admin's domains, the provider database, DNS and autoconfig. */
export function discoverSettings(email: string, signal?: AbortSignal): Promise<DiscoveryResult> {
  return api<DiscoveryResult>("GET", `/clients/discover?${new URLSearchParams({ email }).toString()}`, {
    signal,
  });
}

export function fetchGuides(): Promise<GuideSummary[]> {
  return api<z.infer<typeof guideListSchema>>("GET", "/clients/guides").then((r) => r.items);
}

/** A client's guide for an address, as an HTML page or a PDF, in a language. */
export function guideUrl(id: string, format: "html" | "pdf", email: string, lang: Lang): string {
  const query = new URLSearchParams({ email, lang }).toString();
  return `/api/v1/clients/guides/${encodeURIComponent(id)}${format === "pdf" ? ".pdf" : ""}?${query}`;
}

/** Discovery of the address asked (none until one is). */
export function useDiscovery(email: string | null) {
  return useQuery({
    queryKey: [...clientsKey, "discover", email],
    enabled: email !== null,
    retry: false,
    queryFn: ({ signal }) => discoverSettings(email ?? "", signal),
  });
}

export function useGuides() {
  return useQuery({ queryKey: [...clientsKey, "guides"], queryFn: fetchGuides });
}
