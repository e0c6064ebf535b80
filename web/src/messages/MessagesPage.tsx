import {
  Alert,
  Anchor,
  Badge,
  Group,
  List,
  Loader,
  Modal,
  Pagination,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/client.js";
import { MESSAGE_STATUSES, useMessage, useMessagePage, type MessageStatus } from "../api/messages.js";
import { formatDate } from "../servers/cells.js";

const STATUS_COLORS: Record<MessageStatus, string> = {
  queued: "gray",
  sending: "blue",
  sent: "green",
  failed: "red",
};
const PAGE_SIZE = 50;
const SEARCH_DEBOUNCE_MS = 300;

/** The sending queue, read-only: filter by recipient and state, open a message to see its attempts. */
export function MessagesPage() {
  const { t, i18n } = useTranslation("ui");
  const lang = i18n.language === "en" ? "en" : "fr";
  const [recipient, setRecipient] = useState("");
  const [debouncedRecipient] = useDebouncedValue(recipient, SEARCH_DEBOUNCE_MS);
  const [status, setStatus] = useState<MessageStatus | null>(null);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => setPage(1), [debouncedRecipient, status]);

  const list = useMessagePage({ recipient: debouncedRecipient, status, page, pageSize: PAGE_SIZE });
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;
  const filtered = Boolean(debouncedRecipient.trim() || status);

  return (
    <Stack gap="md">
      <div>
        <Title order={2} className="page-title">
          {t("messages.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("messages.intro")}
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <Stack gap="md">
          <Group gap="sm" align="flex-end">
            <TextInput
              label={t("messages.recipient")}
              placeholder={t("messages.recipientPlaceholder")}
              value={recipient}
              onChange={(event) => setRecipient(event.currentTarget.value)}
              type="search"
              w={{ base: "100%", sm: 280 }}
            />
            <Select
              label={t("messages.status")}
              placeholder={t("messages.allStatuses")}
              data={MESSAGE_STATUSES.map((value) => ({ value, label: t(`messages.statuses.${value}`) }))}
              value={status}
              onChange={(value) => setStatus(value as MessageStatus | null)}
              clearable
              w={{ base: "100%", sm: 200 }}
            />
          </Group>
          <Table.ScrollContainer minWidth={720} type="native">
            <Table striped highlightOnHover fz="sm" aria-busy={list.isFetching} data-testid="messages-table">
              <Table.Thead>
                <Table.Tr>
                  {(
                    ["id", "createdAt", "status", "subject", "to", "server", "attempts", "lastError"] as const
                  ).map((column) => (
                    <Table.Th key={column}>{t(`messages.columns.${column}`)}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.length === 0 ? (
                  <Table.Tr>
                    <Table.Td colSpan={8}>
                      <Text
                        py="lg"
                        c={list.isError ? "red.8" : "dimmed"}
                        component="div"
                        role={list.isError ? "alert" : "status"}
                      >
                        {list.isPending ? (
                          <Group gap="xs">
                            <Loader size="sm" aria-hidden />
                            {t("messages.loading")}
                          </Group>
                        ) : list.isError ? (
                          t("messages.loadFailed", { message: errorText(list.error, lang) })
                        ) : filtered ? (
                          t("messages.emptyFilter")
                        ) : (
                          t("messages.empty")
                        )}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  items.map((message) => (
                    <Table.Tr key={message.id} data-message-id={message.id}>
                      <Table.Td>
                        <Anchor
                          component="button"
                          type="button"
                          onClick={() => setOpen(message.id)}
                          aria-label={t("messages.details", { id: message.id })}
                        >
                          {message.id}
                        </Anchor>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        {formatDate(message.createdAt, lang)}
                      </Table.Td>
                      <Table.Td>
                        <Badge color={STATUS_COLORS[message.status]} variant="light">
                          {t(`messages.statuses.${message.status}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{message.subject}</Table.Td>
                      <Table.Td>{message.to.map((r) => r.address).join(", ")}</Table.Td>
                      <Table.Td>{message.lastServerId ?? message.serverId ?? "—"}</Table.Td>
                      <Table.Td>{message.attemptCount}</Table.Td>
                      <Table.Td>
                        {/* The catalog's words first; the stored reason (code, stage, server reply) under it. */}
                        {message.lastErrorText ? (
                          <>
                            <Text size="sm">{message.lastErrorText[lang]}</Text>
                            <Text size="xs" c="dimmed">
                              {message.lastError}
                            </Text>
                          </>
                        ) : (
                          (message.lastError ?? "")
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))
                )}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite">
              {t("messages.total", { count: total })}
            </Text>
            <Pagination
              total={Math.max(1, Math.ceil(total / PAGE_SIZE))}
              value={page}
              onChange={setPage}
              size="sm"
              getControlProps={(control) => ({ "aria-label": t(`common:pages.${control}`) })}
            />
          </Group>
        </Stack>
      </Paper>
      {open !== null && <MessageDialog id={open} onClose={() => setOpen(null)} />}
    </Stack>
  );
}

function MessageDialog({ id, onClose }: { id: number; onClose(): void }) {
  const { t, i18n } = useTranslation("ui");
  const lang = i18n.language === "en" ? "en" : "fr";
  const detail = useMessage(id);
  const message = detail.data;
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={
        message ? t("messages.detailsTitle", { id, subject: message.subject }) : t("messages.details", { id })
      }
    >
      {detail.isPending ? (
        <Loader size="sm" />
      ) : detail.isError ? (
        <Alert color="red" role="alert">
          {errorText(detail.error, lang)}
        </Alert>
      ) : message ? (
        <Stack gap="sm">
          <Group gap="xs">
            <Badge color={STATUS_COLORS[message.status]} variant="light">
              {t(`messages.statuses.${message.status}`)}
            </Badge>
            {message.sentAt && (
              <Text size="sm">{t("messages.sentAt", { date: formatDate(message.sentAt, lang) })}</Text>
            )}
            {message.nextAttemptAt && (
              <Text size="sm">
                {t("messages.nextAttempt", { date: formatDate(message.nextAttemptAt, lang) })}
              </Text>
            )}
          </Group>
          {message.messageId && (
            <Text size="xs" c="dimmed">
              {t("messages.messageId", { id: message.messageId })}
            </Text>
          )}
          <Text size="sm" fw={600}>
            {t("messages.attemptsTitle")}
          </Text>
          {message.attempts.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("messages.noAttempts")}
            </Text>
          ) : (
            <List size="sm" spacing={4}>
              {message.attempts.map((attempt) => (
                <List.Item key={attempt.id}>
                  {t("messages.attempt", {
                    date: formatDate(attempt.finishedAt, lang),
                    server: attempt.serverId ?? "—",
                    outcome: attempt.outcome,
                  })}
                  {attempt.response ? ` — ${attempt.responseCode ?? ""} ${attempt.response}` : ""}
                  {attempt.errorText ? ` — ${attempt.errorText[lang]}` : ""}
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      ) : null}
    </Modal>
  );
}
