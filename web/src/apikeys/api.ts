import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client.js";

/** The scopes of src/auth/api-key-scopes.ts: what a key may do. */
export const API_KEY_SCOPES = ["send", "read", "admin"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** src/auth/admin.service.ts ApiKeyView. */
export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  scopes: ApiKeyScope[];
}

export const apiKeysKey = ["api-keys"] as const;

export function useApiKeys() {
  return useQuery({
    queryKey: apiKeysKey,
    queryFn: ({ signal }) => api<{ items: ApiKey[] }>("GET", "/api-keys", { signal }).then((r) => r.items),
  });
}

/** Creates a key; the clear key comes back once, in this answer only. */
export const createApiKey = (name: string, scopes: ApiKeyScope[]) =>
  api<{ key: string; apiKey: ApiKey }>("POST", "/api-keys", { body: { name, scopes } });

export const revokeApiKey = (id: number) => api<void>("DELETE", `/api-keys/${id}`);
