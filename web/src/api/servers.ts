import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type {
  CreateServerInput,
  ServerColumn,
  SmtpServerView,
  UpdateServerInput,
} from "../../../src/domain/smtp-server.js";
import type { PortWarning } from "../../../src/domain/ports.js";
import { api } from "./client.js";

export type { ServerColumn, SmtpServerView };

export interface ServerListQuery {
  q: string;
  sort: ServerColumn;
  order: "asc" | "desc";
  page: number;
  pageSize: number;
}

export interface ServerPage {
  items: SmtpServerView[];
  total: number;
  page: number;
  pageSize: number;
}

export interface SavedServer {
  server: SmtpServerView;
  warnings: PortWarning[];
}

export const serversKey = ["servers"] as const;

export function serverListParams(query: Omit<ServerListQuery, "page" | "pageSize">): URLSearchParams {
  const params = new URLSearchParams({ sort: query.sort, order: query.order });
  if (query.q.trim()) params.set("q", query.q.trim());
  return params;
}

/** One page of the servers table; the previous page stays on screen while the next one loads. */
export function useServerPage(query: ServerListQuery) {
  return useQuery({
    queryKey: [...serversKey, "list", query],
    queryFn: ({ signal }) => {
      const params = serverListParams(query);
      params.set("page", String(query.page));
      params.set("pageSize", String(query.pageSize));
      return api<ServerPage>("GET", `/servers?${params.toString()}`, { signal });
    },
    placeholderData: keepPreviousData,
  });
}

export function fetchServer(id: number): Promise<SmtpServerView> {
  return api<SmtpServerView>("GET", `/servers/${id}`);
}

export function createServer(body: CreateServerInput): Promise<SavedServer> {
  return api<SavedServer>("POST", "/servers", { body });
}

export function updateServer(id: number, body: UpdateServerInput): Promise<SavedServer> {
  return api<SavedServer>("PATCH", `/servers/${id}`, { body });
}

export function deleteServer(id: number): Promise<void> {
  return api<void>("DELETE", `/servers/${id}`);
}

/** The stored logo as a data: URL (for the signature preview, which renders in a sandboxed frame). */
export async function fetchLogoDataUrl(id: number): Promise<{ mimeType: string; data: string } | null> {
  const response = await fetch(`/api/v1/servers/${id}/logo`, { credentials: "same-origin" });
  if (!response.ok) return null;
  const mimeType = response.headers.get("content-type")?.split(";")[0] ?? "image/png";
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { mimeType, data: bytesToBase64(bytes) };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  const CHUNK = 0x8000; // String.fromCharCode argument limit stays far away
  for (let i = 0; i < bytes.length; i += CHUNK)
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}
