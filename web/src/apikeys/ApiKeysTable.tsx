import { ActionIcon, Badge, Code, Group, Table, Tooltip, VisuallyHidden } from "@mantine/core";
import { IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { ApiKey, ApiKeyScope } from "../api/apiKeys.js";
import { formatDate } from "../servers/cells.js";

const SCOPE_COLORS: Record<ApiKeyScope, string> = { send: "blue", read: "teal", admin: "red" };

/** The keys with their scopes, last use and state; an active key has a revoke button. */
export function ApiKeysTable({ items, onRevoke }: { items: ApiKey[]; onRevoke(key: ApiKey): void }) {
  const { t, i18n } = useTranslation(["ui", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover data-testid="api-keys-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("apiKeys.name")}</Table.Th>
            <Table.Th>{t("apiKeys.prefix")}</Table.Th>
            <Table.Th>{t("apiKeys.scopes")}</Table.Th>
            <Table.Th>{t("apiKeys.lastUsed")}</Table.Th>
            <Table.Th>{t("apiKeys.state")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("apiKeys.actions")}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((key) => (
            <Table.Tr key={key.id} data-api-key={key.name}>
              <Table.Td>{key.name}</Table.Td>
              <Table.Td>
                <Code>{key.prefix}…</Code>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {key.scopes.map((scope) => (
                    <Badge key={scope} color={SCOPE_COLORS[scope]} variant="light">
                      {t(`apiKeys.scope.${scope}`)}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{key.lastUsedAt ? formatDate(key.lastUsedAt, lang) : t("apiKeys.never")}</Table.Td>
              <Table.Td>
                {key.revokedAt ? (
                  <Badge color="gray">
                    {t("apiKeys.revokedOn", { date: formatDate(key.revokedAt, lang) })}
                  </Badge>
                ) : (
                  <Badge color="green">{t("apiKeys.active")}</Badge>
                )}
              </Table.Td>
              <Table.Td>
                {!key.revokedAt && (
                  <Tooltip label={t("apiKeys.revoke", { name: key.name })} withArrow>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t("apiKeys.revoke", { name: key.name })}
                      onClick={() => onRevoke(key)}
                    >
                      <IconTrash size={18} aria-hidden />
                    </ActionIcon>
                  </Tooltip>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
