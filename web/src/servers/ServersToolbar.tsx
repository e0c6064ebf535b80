import {
  ActionIcon,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Menu,
  Popover,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from "@mantine/core";
import {
  IconColumns3,
  IconDownload,
  IconFileSpreadsheet,
  IconFileText,
  IconFileTypeCsv,
  IconPlugConnected,
  IconPlus,
  IconRefresh,
  IconRestore,
  IconSearch,
} from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { ExportFormat } from "../api/servers.js";
import { TABLE_COLUMNS, type TableColumn } from "./columns.js";

export interface ServersToolbarProps {
  search: string;
  onSearch(value: string): void;
  visible: readonly TableColumn[];
  onToggleColumn(column: TableColumn, shown: boolean): void;
  onRestore(): void;
  onRefresh(): void;
  refreshing: boolean;
  exportFormats: ExportFormat[];
  onExport(format: ExportFormat): void;
  onAdd(): void;
  bulkTestAvailable: boolean;
  onBulkTest(): void;
}

const EXPORTS: Array<{ format: ExportFormat; label: string; icon: typeof IconFileTypeCsv }> = [
  { format: "xlsx", label: "servers.exportXlsx", icon: IconFileSpreadsheet },
  { format: "csv", label: "servers.exportCsv", icon: IconFileTypeCsv },
  { format: "pdf", label: "servers.exportPdf", icon: IconFileText },
];

/** Search, column chooser (+ Restaure), refresh, export and add — the seed's toolbar. */
export function ServersToolbar(props: ServersToolbarProps) {
  const { t } = useTranslation(["registry", "common"]);
  return (
    <Group justify="space-between" gap="sm" role="toolbar" aria-label={t("servers.listTitle")}>
      <TextInput
        label={t("servers.searchLabel")}
        placeholder={t("servers.searchPlaceholder")}
        leftSection={<IconSearch size={16} aria-hidden />}
        value={props.search}
        onChange={(event) => props.onSearch(event.currentTarget.value)}
        rightSection={
          props.search ? (
            <CloseButton
              size="sm"
              aria-label={t("common:actions.close")}
              onClick={() => props.onSearch("")}
            />
          ) : null
        }
        type="search"
        w={{ base: "100%", sm: 280 }}
        data-testid="servers-search"
      />
      <Group gap="xs" align="flex-end" style={{ alignSelf: "flex-end" }}>
        <Popover position="bottom-end" shadow="md" trapFocus withArrow>
          <Popover.Target>
            <Button
              variant="default"
              leftSection={<IconColumns3 size={16} aria-hidden />}
              data-testid="columns-button"
            >
              {t("servers.columnsButton")}
            </Button>
          </Popover.Target>
          <Popover.Dropdown>
            <Stack gap={6} role="group" aria-label={t("servers.columnsTitle")}>
              <Text size="sm" fw={600}>
                {t("servers.columnsTitle")}
              </Text>
              {TABLE_COLUMNS.map((column) => (
                <Checkbox
                  key={column}
                  label={t(`servers.columns.${column}`)}
                  description={t(`servers.columnHelp.${column}`)}
                  checked={props.visible.includes(column)}
                  onChange={(event) => props.onToggleColumn(column, event.currentTarget.checked)}
                  data-column={column}
                />
              ))}
              <Button
                variant="light"
                size="xs"
                mt="xs"
                leftSection={<IconRestore size={14} aria-hidden />}
                onClick={props.onRestore}
                title={t("servers.restoreHint")}
                data-testid="columns-restore"
              >
                {t("servers.restore")}
              </Button>
            </Stack>
          </Popover.Dropdown>
        </Popover>
        <Tooltip label={t("servers.refresh")} withArrow>
          <ActionIcon
            variant="default"
            size="lg"
            aria-label={t("servers.refresh")}
            onClick={props.onRefresh}
            loading={props.refreshing}
            data-testid="servers-refresh"
          >
            <IconRefresh size={18} aria-hidden />
          </ActionIcon>
        </Tooltip>
        <Tooltip label={t("servers.bulkTestHint")} withArrow>
          <Button
            variant="default"
            leftSection={<IconPlugConnected size={16} aria-hidden />}
            onClick={props.onBulkTest}
            disabled={!props.bulkTestAvailable}
            data-testid="bulk-test-button"
          >
            {t("servers.bulkTest")}
          </Button>
        </Tooltip>
        <Menu position="bottom-end" withArrow>
          <Menu.Target>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
              data-testid="export-button"
            >
              {t("servers.export")}
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t("servers.exportHint")}</Menu.Label>
            {EXPORTS.map(({ format, label, icon: Icon }) => {
              const available = props.exportFormats.includes(format);
              return (
                <Menu.Item
                  key={format}
                  leftSection={<Icon size={16} aria-hidden />}
                  disabled={!available}
                  onClick={() => props.onExport(format)}
                  data-format={format}
                >
                  {t(label)}
                  {!available && (
                    <Text span size="xs" c="dimmed" display="block">
                      {t("common:state.notAvailableYet")}
                    </Text>
                  )}
                </Menu.Item>
              );
            })}
          </Menu.Dropdown>
        </Menu>
        <Button
          leftSection={<IconPlus size={16} aria-hidden />}
          onClick={props.onAdd}
          data-testid="add-server"
        >
          {t("servers.add")}
        </Button>
      </Group>
    </Group>
  );
}
