import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconFileTypePdf, IconSearch } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/client.js";
import { guideUrl, loginFor, useDiscovery, useGuides, type ServerSettings } from "../api/clients.js";

/** Client setup: discovery of an address's settings and the per-client guides (HTML and PDF). */
export function ClientsPage() {
  const { t, i18n } = useTranslation(["ui", "registry"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const [email, setEmail] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  const discovery = useDiscovery(asked);
  const guides = useGuides();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) setAsked(email.trim());
  }

  const result = discovery.data;
  const guideLink = (id: string, format: "html" | "pdf") => guideUrl(id, format, result?.email ?? "", lang);

  return (
    <Stack gap="md" maw={1000}>
      <div>
        <Title order={2} className="page-title">
          {t("clients.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("clients.intro")}
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <form onSubmit={submit} noValidate>
          <Group align="flex-end" gap="sm">
            <TextInput
              label={t("clients.email")}
              placeholder={t("clients.emailPlaceholder")}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              style={{ flex: 1, minWidth: 220 }}
              data-testid="discover-email"
            />
            <Button
              type="submit"
              leftSection={<IconSearch size={16} aria-hidden />}
              loading={discovery.isFetching}
            >
              {t("clients.discover")}
            </Button>
          </Group>
        </form>
      </Paper>

      {asked !== null && (
        <Paper withBorder p="md" radius="md" data-testid="discovery-result">
          {discovery.isPending ? (
            <Group gap="xs" role="status">
              <Loader size="sm" aria-hidden />
              {t("clients.searching")}
            </Group>
          ) : discovery.isError ? (
            <Alert color="red" role="alert">
              {errorText(discovery.error, lang)}
            </Alert>
          ) : result && result.found && result.settings ? (
            <Stack gap="sm">
              <Group gap="xs">
                <Title order={3} size="h4">
                  {t("clients.found", { domain: result.domain })}
                </Title>
                {result.source && (
                  <Badge variant="light">
                    {t("clients.source", {
                      source: t(`clients.sources.${result.source}`, { defaultValue: result.source }),
                    })}
                  </Badge>
                )}
                {result.provider && (
                  <Badge variant="light" color="grape">
                    {t("clients.provider", { name: result.provider.name })}
                  </Badge>
                )}
              </Group>
              {result.settings.note && <Alert color="yellow">{result.settings.note[lang]}</Alert>}
              <SettingsTable
                title={t("clients.incoming")}
                rows={result.settings.incoming}
                email={result.email}
              />
              <SettingsTable
                title={t("clients.outgoing")}
                rows={result.settings.outgoing}
                email={result.email}
              />
              <Text size="sm" fw={600}>
                {t("clients.guides")}
              </Text>
              <Group gap="xs">
                {(guides.data ?? []).map((guide) => (
                  <Group key={guide.id} gap={4} wrap="nowrap">
                    <Anchor href={guideLink(guide.id, "html")} target="_blank" rel="noopener" size="sm">
                      {t("clients.guideHtml", { name: guide.name })}
                    </Anchor>
                    <Anchor
                      href={guideLink(guide.id, "pdf")}
                      target="_blank"
                      rel="noopener"
                      size="sm"
                      aria-label={`${t("clients.guideHtml", { name: guide.name })} — ${t("clients.guidePdf")}`}
                    >
                      <IconFileTypePdf size={16} aria-hidden />
                    </Anchor>
                    {guide.automatic && (
                      <Badge size="xs" variant="outline">
                        {t("clients.automatic")}
                      </Badge>
                    )}
                  </Group>
                ))}
              </Group>
            </Stack>
          ) : result ? (
            <Alert color="orange" title={t("clients.notFound", { domain: result.domain })}>
              {result.advice?.[lang]}
            </Alert>
          ) : null}
        </Paper>
      )}
    </Stack>
  );
}

function SettingsTable({ title, rows, email }: { title: string; rows: ServerSettings[]; email: string }) {
  const { t } = useTranslation(["ui", "registry"]);
  if (rows.length === 0) return null;
  return (
    <div>
      <Text size="sm" fw={600} mb={4}>
        {title}
      </Text>
      <Table.ScrollContainer minWidth={520} type="native">
        <Table fz="sm" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              {(["protocol", "host", "port", "security", "username"] as const).map((column) => (
                <Table.Th key={column}>{t(`clients.${column}`)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={`${row.protocol}-${row.host}-${row.port}`}>
                <Table.Td>{row.protocol.toUpperCase()}</Table.Td>
                <Table.Td>{row.host}</Table.Td>
                <Table.Td>{row.port}</Table.Td>
                <Table.Td>{t(`registry:servers.security.${row.security}`)}</Table.Td>
                <Table.Td>{loginFor(row.username, email)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}
