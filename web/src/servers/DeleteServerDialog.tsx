import { Alert, Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/client.js";
import { useDeleteServer, type SmtpServerView } from "../api/servers.js";

/** "Supprimer": asks once, then deletes the server (the table refreshes on success). */
export function DeleteServerDialog(props: { server: SmtpServerView | null; onClose(): void }) {
  const { t } = useTranslation(["registry", "common"]);
  const deletion = useDeleteServer();
  const server = props.server;
  const { reset } = deletion;
  useEffect(() => reset(), [server, reset]);

  function confirm() {
    if (!server) return;
    deletion.mutate(server.id, {
      onSuccess: () => {
        notifications.show({ color: "green", message: t("servers.deleted", { title: server.title }) });
        props.onClose();
      },
    });
  }

  return (
    <Modal opened={server !== null} onClose={props.onClose} title={t("servers.deleteTitle")} centered>
      {server && (
        <Stack>
          <Text>{t("servers.deleteText", { title: server.title, host: server.host })}</Text>
          {deletion.error !== null && (
            <Alert color="red" role="alert">
              {errorText(deletion.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose} data-autofocus>
              {t("common:actions.cancel")}
            </Button>
            <Button color="red" loading={deletion.isPending} onClick={confirm} data-testid="confirm-delete">
              {t("common:actions.delete")}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
