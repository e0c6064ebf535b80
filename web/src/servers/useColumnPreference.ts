import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { deletePreference, fetchPreference, savePreference } from "../api/preferences.js";
import {
  COLUMNS_PREFERENCE_KEY,
  DEFAULT_VISIBLE_COLUMNS,
  normaliseVisible,
  type TableColumn,
} from "./columns.js";

const queryKey = ["preferences", COLUMNS_PREFERENCE_KEY] as const;

/**
 * The servers table's visible columns, stored per admin on the server (`/api/v1/preferences/servers.columns`)
 * so the choice follows the admin across browsers. `restore` deletes it: back to the default columns.
 */
export function useColumnPreference() {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey,
    queryFn: () => fetchPreference(COLUMNS_PREFERENCE_KEY).then((r) => normaliseVisible(r.value)),
    staleTime: Infinity,
  });
  const save = useMutation({
    mutationFn: (visible: TableColumn[]) => savePreference(COLUMNS_PREFERENCE_KEY, visible),
    onMutate: (visible) => queryClient.setQueryData(queryKey, visible),
  });
  const remove = useMutation({
    mutationFn: () => deletePreference(COLUMNS_PREFERENCE_KEY),
    onMutate: () => queryClient.setQueryData(queryKey, null),
  });

  const visible: readonly TableColumn[] = query.data ?? DEFAULT_VISIBLE_COLUMNS;
  const setVisible = useCallback((next: TableColumn[]) => save.mutate(next), [save]);
  const restore = useCallback(() => remove.mutate(), [remove]);
  return {
    visible,
    ready: !query.isPending,
    setVisible,
    restore,
    error: save.error ?? remove.error ?? null,
  };
}
