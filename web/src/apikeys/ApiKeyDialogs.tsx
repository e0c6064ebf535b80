import {
  ActionIcon,
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Stack,
  Text,
  Tooltip,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCopy } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useRevokeApiKey, type ApiKey, type CreatedApiKey } from "../api/apiKeys.js";
import { errorText } from "../api/client.js";

/** The new key, shown once, with a copy button. */
export function CreatedDialog({ created, onClose }: { created: CreatedApiKey; onClose(): void }) {
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

/** "Revoke": asks once, then revokes the key (the list refreshes on success). */
export function RevokeDialog(props: { apiKey: ApiKey; onClose(): void }) {
  const { t, i18n } = useTranslation(["ui", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const revocation = useRevokeApiKey();

  function confirm() {
    revocation.mutate(props.apiKey.id, {
      onSuccess: () => {
        notifications.show({ color: "green", message: t("apiKeys.revoked", { name: props.apiKey.name }) });
        props.onClose();
      },
    });
  }

  return (
    <Modal opened onClose={props.onClose} title={t("apiKeys.revokeTitle")} centered>
      <Stack>
        <Text>{t("apiKeys.revokeText", { name: props.apiKey.name })}</Text>
        {revocation.error !== null && (
          <Alert color="red" role="alert">
            {errorText(revocation.error, lang)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t("common:actions.cancel")}
          </Button>
          <Button
            color="red"
            loading={revocation.isPending}
            onClick={confirm}
            data-testid="confirm-revoke-api-key"
          >
            {t("apiKeys.revokeConfirm")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
