import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCopy, IconKey, IconTrash } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, errorText } from "../api/client.js";
import { formatDate } from "../servers/cells.js";
import {
  API_KEY_SCOPES,
  apiKeysKey,
  createApiKey,
  revokeApiKey,
  useApiKeys,
  type ApiKey,
  type ApiKeyScope,
} from "./api.js";

const SCOPE_COLORS: Record<ApiKeyScope, string> = { send: "blue", read: "teal", admin: "red" };

function fieldError(error: unknown, field: string, lang: "fr" | "en"): string | undefined {
  if (!(error instanceof ApiError)) return error ? errorText(error, lang) : undefined;
  const detail = error.details.find((d) => d.path === field || d.path.startsWith(`${field}.`));
  return detail?.[lang] ?? (field === "name" ? error.text(lang) : undefined);
}

/** API keys for applications: create one with its scopes (shown once), list them, revoke them. */
export function ApiKeysPage() {
  const { t, i18n } = useTranslation(["ui", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const queryClient = useQueryClient();
  const keys = useApiKeys();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["send"]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKey } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: apiKeysKey });

  async function create(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await createApiKey(name, scopes));
      setName("");
      setScopes(["send"]);
      refresh();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const items = keys.data ?? [];
  return (
    <Stack gap="md" maw={960}>
      <div>
        <Title order={2} className="page-title">
          {t("apiKeys.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("apiKeys.intro")}
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <form onSubmit={(event) => void create(event)} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t("apiKeys.name")}
              description={t("apiKeys.nameHelp")}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldError(error, "name", lang)}
              required
              maw={420}
              data-testid="api-key-name"
            />
            <Checkbox.Group
              label={t("apiKeys.scopes")}
              value={scopes}
              onChange={(value) => setScopes(value as ApiKeyScope[])}
              error={fieldError(error, "scopes", lang)}
              required
            >
              <Stack gap={6} mt={6}>
                {API_KEY_SCOPES.map((scope) => (
                  <Checkbox
                    key={scope}
                    value={scope}
                    label={t(`apiKeys.scope.${scope}`)}
                    description={t(`apiKeys.scopeHelp.${scope}`)}
                    data-testid={`api-key-scope-${scope}`}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
            <Group>
              <Button
                type="submit"
                loading={busy}
                disabled={scopes.length === 0}
                leftSection={<IconKey size={16} aria-hidden />}
              >
                {t("apiKeys.create")}
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      {keys.isPending ? (
        <Group role="status" gap="xs">
          <Loader size="sm" aria-hidden />
          {t("apiKeys.loading")}
        </Group>
      ) : keys.isError ? (
        <Alert color="red" role="alert">
          {t("apiKeys.loadFailed", { message: errorText(keys.error, lang) })}
        </Alert>
      ) : items.length === 0 ? (
        <Text c="dimmed">{t("apiKeys.empty")}</Text>
      ) : (
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
                  <Table.Td>
                    {key.lastUsedAt ? formatDate(key.lastUsedAt, lang) : t("apiKeys.never")}
                  </Table.Td>
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
                          onClick={() => setRevoking(key)}
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
      )}
      {created && <CreatedDialog created={created} onClose={() => setCreated(null)} />}
      {revoking && <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} onDone={refresh} />}
    </Stack>
  );
}

function CreatedDialog({ created, onClose }: { created: { key: string; apiKey: ApiKey }; onClose(): void }) {
  const { t } = useTranslation(["ui", "common"]);
  return (
    <Modal opened onClose={onClose} title={t("apiKeys.createdTitle", { name: created.apiKey.name })} centered>
      <Stack>
        <Alert color="yellow">{t("apiKeys.createdOnce")}</Alert>
        <Group gap="xs" wrap="nowrap">
          <Code block style={{ flex: 1, wordBreak: "break-all" }} data-testid="api-key-value">
            {created.key}
          </Code>
          <CopyButton value={created.key}>
            {({ copied, copy }) => (
              <Tooltip label={copied ? t("apiKeys.copied") : t("apiKeys.copy")} withArrow>
                <ActionIcon variant="light" onClick={copy} aria-label={t("apiKeys.copy")}>
                  <IconCopy size={18} aria-hidden />
                </ActionIcon>
              </Tooltip>
            )}
          </CopyButton>
        </Group>
        <Text size="sm">
          {t("apiKeys.scopesList", {
            list: created.apiKey.scopes.map((scope) => t(`apiKeys.scope.${scope}`)).join(", "),
          })}
        </Text>
        <Group justify="flex-end">
          <Button onClick={onClose} data-autofocus>
            {t("common:actions.close")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function RevokeDialog(props: { apiKey: ApiKey; onClose(): void; onDone(): void }) {
  const { t, i18n } = useTranslation(["ui", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    try {
      await revokeApiKey(props.apiKey.id);
      notifications.show({ color: "green", message: t("apiKeys.revoked", { name: props.apiKey.name }) });
      props.onDone();
      props.onClose();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={props.onClose} title={t("apiKeys.revokeTitle")} centered>
      <Stack>
        <Text>{t("apiKeys.revokeText", { name: props.apiKey.name })}</Text>
        {error !== null && (
          <Alert color="red" role="alert">
            {errorText(error, lang)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t("common:actions.cancel")}
          </Button>
          <Button
            color="red"
            loading={busy}
            onClick={() => void confirm()}
            data-testid="confirm-revoke-api-key"
          >
            {t("apiKeys.revokeConfirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
