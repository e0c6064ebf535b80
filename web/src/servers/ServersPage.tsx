import {
  Alert,
  Anchor,
  Button,
  Group,
  Loader,
  Pagination,
  Paper,
  Select,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/client.js";
import { useCapabilities } from "../api/capabilities.js";
import {
  serverExportUrl,
  serversKey,
  useConfirmationsSending,
  useSendConfirmation,
  type ExportFormat,
  type SmtpServerView,
} from "../api/servers.js";
import { currentLang } from "../i18n.js";
import { ActionsCell, LinksCell } from "./cells.js";
import { exportColumns, type TableColumn } from "./columns.js";
import { ServerDialogs } from "./ServerDialogs.js";
import { ServersTable } from "./ServersTable.js";
import { ServersToolbar } from "./ServersToolbar.js";
import { useColumnPreference } from "./useColumnPreference.js";
import { useServerDialogs } from "./useServerDialogs.js";
import { useServerList } from "./useServerList.js";

const PAGE_SIZES = ["25", "50", "100", "200"];

/** "Gestion des Serveurs de messagerie (SMTP)": the seed page. */
export function ServersPage() {
  const { t } = useTranslation(["registry", "common"]);
  const queryClient = useQueryClient();
  const capabilities = useCapabilities();
  const columns = useColumnPreference();
  const view = useServerList();
  const dialogs = useServerDialogs();
  const confirmation = useSendConfirmation();
  const sending = useConfirmationsSending();
  const { list, rows, total } = view;

  const refresh = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: serversKey }),
    [queryClient],
  );

  const toggleColumn = (column: TableColumn, shown: boolean) => {
    const next = shown ? [...columns.visible, column] : columns.visible.filter((c) => c !== column);
    columns.setVisible(next as TableColumn[]);
  };

  const exportView = (format: ExportFormat) => {
    // A plain navigation: the server streams the file (Content-Disposition), the browser saves it.
    const link = document.createElement("a");
    link.href = serverExportUrl(
      format,
      { q: view.debouncedSearch, sort: view.sort, order: view.order },
      exportColumns(columns.visible),
      currentLang(),
    );
    link.download = "";
    document.body.append(link);
    link.click();
    link.remove();
  };

  const sendConfirmation = (server: SmtpServerView) =>
    confirmation.mutate(server.id, {
      onSuccess: (sent) =>
        notifications.show({
          color: "green",
          title: t("servers.confirmationSent", { mail: sent.sentTo }),
          message: t("servers.spamNotice"),
          autoClose: 12_000,
        }),
      onError: (error) => notifications.show({ color: "red", message: errorText(error), autoClose: 10_000 }),
    });

  const renderLinks = (server: SmtpServerView) => (
    <LinksCell
      server={server}
      available={capabilities.confirmation}
      busy={sending.includes(server.id)}
      onSend={() => sendConfirmation(server)}
    />
  );
  const renderActions = (server: SmtpServerView) => (
    <ActionsCell
      server={server}
      testAvailable={capabilities.test}
      testing={dialogs.testing?.id === server.id}
      onEdit={() => dialogs.openForm({ mode: "edit", id: server.id })}
      onDelete={() => dialogs.openDelete(server)}
      onTest={() => dialogs.openTest(server)}
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
  ) : view.debouncedSearch.trim() ? (
    t("servers.emptySearch", { q: view.debouncedSearch.trim() })
  ) : (
    <span>
      {t("servers.empty")}{" "}
      <Anchor
        component="button"
        type="button"
        onClick={() => dialogs.openFormWithoutOpener({ mode: "create" })}
      >
        {t("servers.add")}
      </Anchor>
    </span>
  );

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
            search={view.search}
            onSearch={view.setSearch}
            visible={columns.visible}
            onToggleColumn={toggleColumn}
            onRestore={columns.restore}
            onRefresh={refresh}
            refreshing={list.isFetching && !list.isPending}
            exportFormats={capabilities.exportFormats}
            onExport={exportView}
            onAdd={() => dialogs.openForm({ mode: "create" })}
            bulkTestAvailable={capabilities.bulkTest && rows.length > 0}
            onBulkTest={() => dialogs.openBulk(rows)}
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
            sort={view.sort}
            order={view.order}
            onSort={view.onSort}
            renderLinks={renderLinks}
            renderActions={renderActions}
            placeholder={placeholder}
            busy={list.isFetching}
          />
          <Group justify="space-between" gap="sm">
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="servers-total">
              {t("servers.total", { count: total })} ·{" "}
              {t("servers.range", { from: view.from, to: view.to, total })}
            </Text>
            <Group gap="sm">
              <Select
                aria-label={t("servers.pageSize")}
                data={PAGE_SIZES}
                value={String(view.pageSize)}
                onChange={(value) => value && view.setPageSize(Number(value))}
                w={90}
                size="xs"
                allowDeselect={false}
              />
              <Pagination
                total={view.pageCount}
                value={view.page}
                onChange={view.setPage}
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

      <ServerDialogs dialogs={dialogs} onChanged={refresh} />
    </Stack>
  );
}
