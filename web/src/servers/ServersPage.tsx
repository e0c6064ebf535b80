import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Modal,
  Pagination,
  Paper,
  Select,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, errorText } from "../api/client.js";
import { useCapabilities } from "../api/capabilities.js";
import {
  deleteServer,
  serverListParams,
  serversKey,
  useServerPage,
  type ServerColumn,
  type SmtpServerView,
} from "../api/servers.js";
import { currentLang } from "../i18n.js";
import { ActionsCell, LinksCell } from "./cells.js";
import { exportColumns, type TableColumn } from "./columns.js";
import { ServersTable } from "./ServersTable.js";
import { BulkTestDialog } from "./BulkTestDialog.js";
import { TestResultDialog } from "./TestResultDialog.js";
import { ServersToolbar, type ExportFormat } from "./ServersToolbar.js";
import { useColumnPreference } from "./useColumnPreference.js";

// The form carries the shared zod schemas, zxcvbn and sanitize-html: loaded when first opened.
const ServerFormModal = lazy(() =>
  import("./form/ServerFormModal.js").then((m) => ({ default: m.ServerFormModal })),
);

const SEARCH_DEBOUNCE_MS = 300; // one request per pause in typing, not per key
const PAGE_SIZES = ["25", "50", "100", "200"];

type FormState = { mode: "create" } | { mode: "edit"; id: number } | null;

/** "Gestion des Serveurs de messagerie (SMTP)": the seed page. */
export function ServersPage() {
  const { t } = useTranslation(["registry", "common"]);
  const queryClient = useQueryClient();
  const capabilities = useCapabilities();
  const columns = useColumnPreference();

  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search, SEARCH_DEBOUNCE_MS);
  const [sort, setSort] = useState<ServerColumn>("id");
  const [order, setOrder] = useState<"asc" | "desc">("asc");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [form, setForm] = useState<FormState>(null);
  const [deleting, setDeleting] = useState<SmtpServerView | null>(null);
  const [testing, setTesting] = useState<SmtpServerView | null>(null);
  const [bulk, setBulk] = useState<SmtpServerView[] | null>(null);
  // Dialogs unmount when closed, before Mantine could give focus back: remember the opener and return to it.
  const opener = useRef<HTMLElement | null>(null);
  const rememberOpener = () => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const returnFocus = () =>
    requestAnimationFrame(() => {
      const target = opener.current?.isConnected
        ? opener.current
        : document.querySelector<HTMLElement>('[data-testid="add-server"]');
      target?.focus();
    });
  const [busyIds, setBusyIds] = useState<Record<string, boolean>>({});

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

  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: serversKey }),
    [queryClient],
  );

  const toggleColumn = (column: TableColumn, shown: boolean) => {
    const next = shown ? [...columns.visible, column] : columns.visible.filter((c) => c !== column);
    columns.setVisible(next as TableColumn[]);
  };

  const exportView = (format: ExportFormat) => {
    const params = serverListParams({ q: debouncedSearch, sort, order });
    params.set("columns", exportColumns(columns.visible).join(","));
    params.set("lang", currentLang());
    // A plain navigation: the server streams the file (Content-Disposition), the browser saves it.
    const link = document.createElement("a");
    link.href = `/api/v1/servers/export.${format}?${params.toString()}`;
    link.download = "";
    document.body.append(link);
    link.click();
    link.remove();
  };

  const runBusy = async (key: string, action: () => Promise<void>) => {
    setBusyIds((b) => ({ ...b, [key]: true }));
    try {
      await action();
    } finally {
      setBusyIds((b) => ({ ...b, [key]: false }));
    }
  };

  const sendConfirmation = (server: SmtpServerView) =>
    void runBusy(`confirm-${server.id}`, async () => {
      try {
        const sent = await api<{ sentTo: string }>("POST", `/servers/${server.id}/confirmation`);
        notifications.show({
          color: "green",
          title: t("servers.confirmationSent", { mail: sent.sentTo }),
          message: t("servers.spamNotice"),
          autoClose: 12_000,
        });
        refresh();
      } catch (error) {
        notifications.show({ color: "red", message: errorText(error), autoClose: 10_000 });
      }
    });

  const renderLinks = (server: SmtpServerView) => (
    <LinksCell
      server={server}
      available={capabilities.confirmation}
      busy={Boolean(busyIds[`confirm-${server.id}`])}
      onSend={() => sendConfirmation(server)}
    />
  );
  const renderActions = (server: SmtpServerView) => (
    <ActionsCell
      server={server}
      testAvailable={capabilities.test}
      testing={testing?.id === server.id}
      onEdit={() => {
        rememberOpener();
        setForm({ mode: "edit", id: server.id });
      }}
      onDelete={() => {
        rememberOpener();
        setDeleting(server);
      }}
      onTest={() => {
        rememberOpener();
        setTesting(server);
      }}
    />
  );

  const placeholder = list.isPending ? (
    <Group justify="center" gap="xs" role="status">
      <Loader size="sm" aria-hidden />
      {t("servers.loading")}
    </Group>
  ) : list.isError ? (
    <Stack align="center" gap="xs" role="alert">
      <Text c="red.8">{t("servers.loadFailed", { message: errorText(list.error) })}</Text>
      <Button size="xs" variant="light" onClick={refresh}>
        {t("common:actions.retry")}
      </Button>
    </Stack>
  ) : debouncedSearch.trim() ? (
    t("servers.emptySearch", { q: debouncedSearch.trim() })
  ) : (
    <span>
      {t("servers.empty")}{" "}
      <Anchor component="button" type="button" onClick={() => setForm({ mode: "create" })}>
        {t("servers.add")}
      </Anchor>
    </span>
  );

  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);

  return (
    <Stack gap="md">
      <div>
        <Title order={2} className="page-title">
          {t("servers.title")}
        </Title>
        <Text size="sm" c="dimmed" maw={900}>
          {t("servers.intro")}
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <Stack gap="md">
          <ServersToolbar
            search={search}
            onSearch={setSearch}
            visible={columns.visible}
            onToggleColumn={toggleColumn}
            onRestore={columns.restore}
            onRefresh={refresh}
            refreshing={list.isFetching && !list.isPending}
            exportFormats={capabilities.exportFormats}
            onExport={exportView}
            onAdd={() => {
              rememberOpener();
              setForm({ mode: "create" });
            }}
            bulkTestAvailable={capabilities.bulkTest && rows.length > 0}
            onBulkTest={() => {
              rememberOpener();
              setBulk(rows);
            }}
          />
          {columns.error && (
            <Alert color="yellow" role="status">
              {errorText(columns.error)}
            </Alert>
          )}
          {list.isError && rows.length > 0 && (
            <Alert color="red" role="alert">
              {t("servers.loadFailed", { message: errorText(list.error) })}
            </Alert>
          )}
          <ServersTable
            rows={list.isError ? [] : rows}
            visible={columns.visible}
            sort={sort}
            order={order}
            onSort={onSort}
            renderLinks={renderLinks}
            renderActions={renderActions}
            placeholder={placeholder}
            busy={list.isFetching}
          />
          <Group justify="space-between" gap="sm">
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="servers-total">
              {t("servers.total", { count: total })} · {t("servers.range", { from, to, total })}
            </Text>
            <Group gap="sm">
              <Select
                aria-label={t("servers.pageSize")}
                data={PAGE_SIZES}
                value={String(pageSize)}
                onChange={(value) => value && setPageSize(Number(value))}
                w={90}
                size="xs"
                allowDeselect={false}
              />
              <Pagination
                total={pageCount}
                value={page}
                onChange={setPage}
                size="sm"
                siblings={1}
                boundaries={1}
                getControlProps={(control) => ({ "aria-label": t(`common:pages.${control}`) })}
                aria-label={t("servers.pagination")}
              />
            </Group>
          </Group>
        </Stack>
      </Paper>

      {form && (
        <Suspense
          fallback={
            <Modal opened onClose={() => setForm(null)} title={t("common:state.loading")}>
              <Loader />
            </Modal>
          }
        >
          <ServerFormModal
            serverId={form.mode === "edit" ? form.id : null}
            onClose={() => {
              setForm(null);
              returnFocus();
            }}
            onSaved={() => {
              setForm(null);
              refresh();
              returnFocus();
            }}
          />
        </Suspense>
      )}

      {bulk && (
        <BulkTestDialog
          servers={bulk}
          onClose={() => {
            setBulk(null);
            returnFocus();
          }}
          onDone={refresh}
        />
      )}
      {testing && (
        <TestResultDialog
          server={testing}
          onClose={() => {
            setTesting(null);
            returnFocus();
          }}
          onDone={refresh}
        />
      )}

      <DeleteServerDialog
        server={deleting}
        onClose={() => {
          setDeleting(null);
          returnFocus();
        }}
        onDeleted={refresh}
      />
    </Stack>
  );
}

function DeleteServerDialog(props: { server: SmtpServerView | null; onClose(): void; onDeleted(): void }) {
  const { t } = useTranslation(["registry", "common"]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const server = props.server;
  useEffect(() => setError(null), [server]);

  async function confirm() {
    if (!server) return;
    setBusy(true);
    try {
      await deleteServer(server.id);
      notifications.show({ color: "green", message: t("servers.deleted", { title: server.title }) });
      props.onDeleted();
      props.onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={server !== null} onClose={props.onClose} title={t("servers.deleteTitle")} centered>
      {server && (
        <Stack>
          <Text>{t("servers.deleteText", { title: server.title, host: server.host })}</Text>
          {error !== null && (
            <Alert color="red" role="alert">
              {errorText(error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose} data-autofocus>
              {t("common:actions.cancel")}
            </Button>
            <Button color="red" loading={busy} onClick={() => void confirm()} data-testid="confirm-delete">
              {t("common:actions.delete")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
