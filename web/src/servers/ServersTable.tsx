import { Table, Text, VisuallyHidden } from "@mantine/core";
import { IconArrowDown, IconArrowUp, IconArrowsSort } from "@tabler/icons-react";
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
  type VisibilityState,
} from "@tanstack/react-table";
import { useMemo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { SmtpServerView } from "../api/servers.js";
import type { ServerColumn } from "../../../src/domain/smtp-server.js";
import { ConfirmationBadge, usageText } from "./cells.js";
import { isSortable, TABLE_COLUMNS, type TableColumn } from "./columns.js";

export interface ServersTableProps {
  rows: SmtpServerView[];
  visible: readonly TableColumn[];
  sort: ServerColumn;
  order: "asc" | "desc";
  onSort(column: ServerColumn): void;
  renderLinks(server: SmtpServerView): ReactNode;
  renderActions(server: SmtpServerView): ReactNode;
  /** Shown in the body when there are no rows (loading, empty, error — in words). */
  placeholder: ReactNode;
  busy: boolean;
}

/**
 * The servers table (TanStack Table, server-side sorting and pagination: the page holds at most one page of
 * rows, so 100,000 servers cost the browser nothing more than 50).
 */
export function ServersTable(props: ServersTableProps) {
  const { t } = useTranslation("registry");

  const columns = useMemo<Array<ColumnDef<SmtpServerView>>>(() => {
    const cell = (column: TableColumn): ColumnDef<SmtpServerView>["cell"] => {
      switch (column) {
        case "authentication":
          return ({ row }) => t(`servers.authentication.${row.original.authentication}`);
        case "security":
          return ({ row }) => t(`servers.security.${row.original.security}`);
        case "usage":
          return ({ row }) => usageText(row.original, t);
        case "confirmation":
          return ({ row }) => <ConfirmationBadge server={row.original} />;
        case "links":
          return ({ row }) => props.renderLinks(row.original);
        default:
          return ({ row }) => {
            const value = String(row.original[column]);
            return <span title={value}>{value}</span>;
          };
      }
    };
    return [
      ...TABLE_COLUMNS.map((column) => ({
        id: column,
        header: t(`servers.columns.${column}`),
        cell: cell(column),
      })),
      {
        id: "actions",
        header: t("servers.columns.actions"),
        cell: ({ row }) => props.renderActions(row.original),
      },
    ];
    // The renderers are new functions each render; the columns follow them and the language (t).
  }, [t, props.renderLinks, props.renderActions]);

  const sorting = useMemo<SortingState>(
    () => [{ id: props.sort, desc: props.order === "desc" }],
    [props.sort, props.order],
  );
  const columnVisibility = useMemo<VisibilityState>(
    () => Object.fromEntries(TABLE_COLUMNS.map((column) => [column, props.visible.includes(column)])),
    [props.visible],
  );

  const table = useReactTable({
    data: props.rows,
    columns,
    state: { sorting, columnVisibility },
    manualSorting: true,
    manualPagination: true,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(row.id),
  });

  const visibleCount = table.getVisibleLeafColumns().length;

  return (
    <Table.ScrollContainer minWidth={600} type="native">
      <Table
        className="servers-table"
        striped
        highlightOnHover
        verticalSpacing="xs"
        horizontalSpacing={8}
        fz="sm"
        aria-busy={props.busy}
        data-testid="servers-table"
      >
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id}>
              {group.headers.map((header) => {
                const id = header.column.id;
                const label = flexRender(header.column.columnDef.header, header.getContext());
                if (!isSortable(id))
                  return (
                    <Table.Th key={header.id} data-column={id}>
                      {label}
                    </Table.Th>
                  );
                const active = props.sort === id;
                const ariaSort = active ? (props.order === "asc" ? "ascending" : "descending") : "none";
                const Icon = !active ? IconArrowsSort : props.order === "asc" ? IconArrowUp : IconArrowDown;
                return (
                  <Table.Th key={header.id} aria-sort={ariaSort} data-column={id}>
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() => props.onSort(id)}
                      title={t("servers.sortBy", { column: t(`servers.columns.${id}`) })}
                    >
                      {label}
                      <Icon size={14} aria-hidden opacity={active ? 1 : 0.35} />
                      {active && (
                        <VisuallyHidden>
                          ({props.order === "asc" ? t("servers.sortedAsc") : t("servers.sortedDesc")})
                        </VisuallyHidden>
                      )}
                    </button>
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={visibleCount}>
                <Text py="lg" c="dimmed" component="div">
                  {props.placeholder}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            table.getRowModel().rows.map((row) => (
              <Table.Tr key={row.id} data-server-id={row.original.id}>
                {row.getVisibleCells().map((cell) => (
                  <Table.Td
                    key={cell.id}
                    data-column={cell.column.id}
                    className={cell.column.id === "usage" ? "wrap" : undefined}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
