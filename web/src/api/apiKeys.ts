import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApiKeyView, createApiKey as createOnServer } from "../../../src/auth/admin.service.js";
import type { ApiKeyScope } from "../../../src/auth/api-key-scopes.js";
import { api } from "./client.js";

export type { ApiKeyScope };

/**
 * The server's API_KEY_SCOPES, in its order. A type-checked copy: src/auth/api-key-scopes.ts imports zod and
 * the shared schemas, which the pages' bundle leaves to the form's lazy chunk. Compilation fails when a scope
 * is added, removed or renamed on one side only.
 */
export const API_KEY_SCOPES = ["send", "read", "admin"] as const satisfies readonly ApiKeyScope[];
const EVERY_SCOPE_LISTED: Exclude<ApiKeyScope, (typeof API_KEY_SCOPES)[number]> extends never ? true : never =
  true;
void EVERY_SCOPE_LISTED;

/** An API key as `GET /api/v1/api-keys` lists it (never the key itself). */
export type ApiKey = ApiKeyView;
/** The answer to creating a key: the clear key comes back once, in this answer only. */
export type CreatedApiKey = Awaited<ReturnType<typeof createOnServer>>;

export const apiKeysKey = ["api-keys"] as const;

export function fetchApiKeys(signal?: AbortSignal): Promise<ApiKey[]> {
  return api<{ items: ApiKey[] }>("GET", "/api-keys", { signal }).then((r) => r.items);
}

export const createApiKey = (name: string, scopes: ApiKeyScope[]) =>
  api<CreatedApiKey>("POST", "/api-keys", { body: { name, scopes } });

export const revokeApiKey = (id: number) => api<void>("DELETE", `/api-keys/${id}`);

export function useApiKeys() {
  return useQuery({ queryKey: apiKeysKey, queryFn: ({ signal }) => fetchApiKeys(signal) });
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: ApiKeyScope[] }) => createApiKey(input.name, input.scopes),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => revokeApiKey(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: apiKeysKey }),
  });
}
