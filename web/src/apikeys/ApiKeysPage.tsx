import { Alert, Button, Checkbox, Group, Loader, Paper, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconKey } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  API_KEY_SCOPES,
  useApiKeys,
  useCreateApiKey,
  type ApiKey,
  type ApiKeyScope,
  type CreatedApiKey,
} from "../api/apiKeys.js";
import { ApiError, errorText } from "../api/client.js";
import { CreatedDialog, RevokeDialog } from "./ApiKeyDialogs.js";
import { ApiKeysTable } from "./ApiKeysTable.js";

function fieldError(error: unknown, field: string, lang: "fr" | "en"): string | undefined {
  if (!(error instanceof ApiError)) return error ? errorText(error, lang) : undefined;
  const detail = error.details.find((d) => d.path === field || d.path.startsWith(`${field}.`));
  return detail?.[lang] ?? (field === "name" ? error.text(lang) : undefined);
}

/** API keys for applications: create one with its scopes (shown once), list them, revoke them. */
export function ApiKeysPage() {
  const { t, i18n } = useTranslation(["ui", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const keys = useApiKeys();
  const creation = useCreateApiKey();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ApiKeyScope[]>(["send"]);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  function create(event: FormEvent) {
    event.preventDefault();
    creation.mutate(
      { name, scopes },
      {
        onSuccess: (answer) => {
          setCreated(answer);
          setName("");
          setScopes(["send"]);
        },
      },
    );
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
        <form onSubmit={create} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t("apiKeys.name")}
              description={t("apiKeys.nameHelp")}
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={fieldError(creation.error, "name", lang)}
              required
              maw={420}
              data-testid="api-key-name"
            />
            <Checkbox.Group
              label={t("apiKeys.scopes")}
              value={scopes}
              onChange={(value) => setScopes(value as ApiKeyScope[])}
              error={fieldError(creation.error, "scopes", lang)}
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
                loading={creation.isPending}
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
        <ApiKeysTable items={items} onRevoke={setRevoking} />
      )}
      {created && <CreatedDialog created={created} onClose={() => setCreated(null)} />}
      {revoking && <RevokeDialog apiKey={revoking} onClose={() => setRevoking(null)} />}
    </Stack>
  );
}
