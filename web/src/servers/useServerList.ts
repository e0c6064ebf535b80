import { useDebouncedValue } from "@mantine/hooks";
import { useCallback, useEffect, useState } from "react";
import { useServerPage, type ServerColumn } from "../api/servers.js";

const SEARCH_DEBOUNCE_MS = 300; // one request per pause in typing, not per key

/**
 * The servers table's search, sort and paging, and the page of servers they select. A new search or page
 * size goes back to page 1; a page past the end (servers deleted meanwhile) moves to the last one.
 */
export function useServerList() {
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const [sort, setSort] = useState<ServerColumn>("id");
  const [order, setOrder] = useState<"asc" | "desc">("asc");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);

  useEffect(() => setPage(1), [debouncedSearch, pageSize]);

  const list = useServerPage({ q: debouncedSearch, sort, order, page, pageSize });
  const rows = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  useEffect(() => {
    if (list.data && page > pageCount) setPage(pageCount);
  }, [list.data, page, pageCount]);

  const onSort = useCallback(
    (column: ServerColumn) => {
      if (column === sort) setOrder((o) => (o === "asc" ? "desc" : "asc"));
      else {
        setSort(column);
        setOrder("asc");
      }
      setPage(1);
    },
    [sort],
  );

  return {
    list,
    rows,
    total,
    search,
    setSearch,
    debouncedSearch,
    sort,
    order,
    onSort,
    page,
    setPage,
    pageSize,
    setPageSize,
    pageCount,
    from: total === 0 ? 0 : (page - 1) * pageSize + 1,
    to: Math.min(total, page * pageSize),
  };
}
