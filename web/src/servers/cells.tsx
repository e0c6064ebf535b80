import { ActionIcon, Badge, Group, Tooltip } from "@mantine/core";
import { IconMailForward, IconPencil, IconPlugConnected, IconTrash } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { SmtpServerView } from "../api/servers.js";

const CONFIRMATION_COLORS = { confirmed: "green", pending: "yellow", never_sent: "gray" } as const;

export function formatDate(iso: string | null, lang: string): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "fr-FR", {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(iso));
}

/** Confirmation column: confirmé / en attente / jamais envoyé, with the date in the tooltip. */
export function ConfirmationBadge({ server }: { server: SmtpServerView }) {
  const { t, i18n } = useTranslation("registry");
  const { state, sentAt, confirmedAt } = server.confirmation;
  const detail =
    state === "confirmed"
      ? t("servers.confirmation.confirmedAt", { date: formatDate(confirmedAt, i18n.language) })
      : state === "pending"
        ? t("servers.confirmation.sentAt", { date: formatDate(sentAt, i18n.language) })
        : undefined;
  const badge = (
    <Badge color={CONFIRMATION_COLORS[state]} variant="light" data-state={state}>
      {t(`servers.confirmation.${state}`)}
    </Badge>
  );
  return detail ? (
    <Tooltip label={detail} withArrow>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

export function usageText(
  server: SmtpServerView,
  t: (key: string, options?: Record<string, unknown>) => string,
): string {
  if (server.usage.mode === "all") return t("servers.usage.all");
  return t("servers.usage.custom", { names: server.usage.departments.map((d) => d.name).join(", ") });
}

/** Lien(s): sends the confirmation mail to the server's address (disabled until the server offers it). */
export function LinksCell(props: {
  server: SmtpServerView;
  available: boolean;
  busy: boolean;
  onSend(): void;
}) {
  const { t } = useTranslation(["registry", "common"]);
  const label = props.available
    ? t("servers.sendConfirmation", { mail: props.server.mail })
    : `${t("servers.sendConfirmation", { mail: props.server.mail })} — ${t("common:state.notAvailableYet")}`;
  return (
    <Tooltip label={label} withArrow multiline maw={280}>
      <ActionIcon
        variant="light"
        color="indigo"
        aria-label={label}
        disabled={!props.available}
        loading={props.busy}
        onClick={props.onSend}
        data-testid="send-confirmation"
      >
        <IconMailForward size={18} aria-hidden />
      </ActionIcon>
    </Tooltip>
  );
}

export function ActionsCell(props: {
  server: SmtpServerView;
  testAvailable: boolean;
  testing: boolean;
  onEdit(): void;
  onDelete(): void;
  onTest(): void;
}) {
  const { t, i18n } = useTranslation(["registry", "common"]);
  const title = props.server.title;
  const last = props.server.lastTest;
  const lastText = !last
    ? t("servers.neverTested")
    : last.ok
      ? t("servers.lastTestOk", { date: formatDate(last.at, i18n.language) })
      : t("servers.lastTestFailed", { date: formatDate(last.at, i18n.language), code: last.code ?? "?" });
  const testLabel = props.testAvailable
    ? `${t("servers.testServer", { title })} (${lastText})`
    : `${t("servers.testServer", { title })} — ${t("common:state.notAvailableYet")}`;
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={t("servers.editServer", { title })} withArrow>
        <ActionIcon variant="subtle" aria-label={t("servers.editServer", { title })} onClick={props.onEdit}>
          <IconPencil size={18} aria-hidden />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={testLabel} withArrow multiline maw={280}>
        <ActionIcon
          variant={last ? "light" : "subtle"}
          color={!last ? "gray" : last.ok ? "teal" : "red"}
          aria-label={testLabel}
          data-last-test={!last ? "never" : last.ok ? "ok" : "failed"}
          disabled={!props.testAvailable}
          loading={props.testing}
          onClick={props.onTest}
        >
          <IconPlugConnected size={18} aria-hidden />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t("servers.deleteServer", { title })} withArrow>
        <ActionIcon
          variant="subtle"
          color="red"
          aria-label={t("servers.deleteServer", { title })}
          onClick={props.onDelete}
        >
          <IconTrash size={18} aria-hidden />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
