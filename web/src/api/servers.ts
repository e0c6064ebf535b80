import {
  keepPreviousData,
  useMutation,
  useMutationState,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import type { z } from "zod";
import type {
  CreateServerInput,
  ServerColumn,
  SmtpServerView,
  UpdateServerInput,
} from "../../../src/domain/smtp-server.js";
import type {
  confirmationSentSchema,
  savedServerSchema,
  serverPageSchema,
} from "../../../src/http/responses.js";
import { api } from "./client.js";
import { departmentsKey } from "./departments.js";

export type { CreateServerInput, ServerColumn, SmtpServerView, UpdateServerInput };

/** `GET /api/v1/servers` and `POST|PATCH /api/v1/servers[/:id]` answers, as the routes declare them. */
export type ServerPage = z.infer<typeof serverPageSchema>;
export type SavedServer = z.infer<typeof savedServerSchema>;
export type ConfirmationSent = z.infer<typeof confirmationSentSchema>;

export interface ServerListQuery {
  q: string;
  sort: ServerColumn;
  order: "asc" | "desc";
  page: number;
  pageSize: number;
}

export type ExportFormat = "csv" | "xlsx" | "pdf";

export const serversKey = ["servers"] as const;

export function serverListParams(query: Omit<ServerListQuery, "page" | "pageSize">): URLSearchParams {
  const params = new URLSearchParams({ sort: query.sort, order: query.order });
  if (query.q.trim()) params.set("q", query.q.trim());
  return params;
}

export function fetchServerPage(query: ServerListQuery, signal?: AbortSignal): Promise<ServerPage> {
  const params = serverListParams(query);
  params.set("page", String(query.page));
  params.set("pageSize", String(query.pageSize));
  return api<ServerPage>("GET", `/servers?${params.toString()}`, { signal });
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

/** Sends the confirmation mail through the server to its own Mail address. */
export function sendConfirmation(id: number): Promise<ConfirmationSent> {
  return api<ConfirmationSent>("POST", `/servers/${id}/confirmation`);
}

/** The export of the table as the admin sees it (search, sort, visible columns), in the UI language. */
export function serverExportUrl(
  format: ExportFormat,
  query: Omit<ServerListQuery, "page" | "pageSize">,
  columns: readonly string[],
  lang: string,
): string {
  const params = serverListParams(query);
  params.set("columns", columns.join(","));
  params.set("lang", lang);
  return `/api/v1/servers/export.${format}?${params.toString()}`;
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

/** One page of the servers table; the previous page stays on screen while the next one loads. */
export function useServerPage(query: ServerListQuery) {
  return useQuery({
    queryKey: [...serversKey, "list", query],
    queryFn: ({ signal }) => fetchServerPage(query, signal),
    placeholderData: keepPreviousData,
  });
}

/** One server and its logo, for the edit form (never cached: the form must start from the stored version). */
export function useServerWithLogo(id: number | null) {
  return useQuery({
    queryKey: [...serversKey, "one", id],
    enabled: id !== null,
    gcTime: 0,
    queryFn: async () => {
      const server = await fetchServer(id!);
      const logo = server.hasLogo ? await fetchLogoDataUrl(server.id) : null;
      return { server, logo };
    },
  });
}

/** Creates (id null) or updates a server; the servers table and the departments' counts are refreshed. */
export function useSaveServer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: null; body: CreateServerInput } | { id: number; body: UpdateServerInput }) =>
      input.id === null ? createServer(input.body) : updateServer(input.id, input.body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: serversKey });
      void queryClient.invalidateQueries({ queryKey: departmentsKey });
    },
  });
}

export function useDeleteServer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => deleteServer(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serversKey }),
  });
}

const confirmationKey = [...serversKey, "confirmation"] as const;

/** Sends a server's confirmation mail; several can be on their way at once (see {@link useConfirmationsSending}). */
export function useSendConfirmation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: confirmationKey,
    mutationFn: (id: number) => sendConfirmation(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: serversKey }),
  });
}

/** Ids of the servers whose confirmation mail is being sent right now. */
export function useConfirmationsSending(): number[] {
  return useMutationState({
    filters: { mutationKey: confirmationKey, status: "pending" },
    select: (mutation) => mutation.state.variables as number,
  });
}
