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
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, errorText } from "../api/client.js";

type Security = "none" | "starttls" | "tls";

/** The parts of src/clients/discovery/discover.ts (DiscoveryResult) this page shows. */
interface DiscoveryResult {
  email: string;
  domain: string;
  found: boolean;
  source: string | null;
  settings: {
    displayName: string;
    incoming: ServerSettings[];
    outgoing: ServerSettings[];
    note?: { fr: string; en: string };
  } | null;
  provider: { id: string; name: string } | null;
  advice: { fr: string; en: string } | null;
}

interface ServerSettings {
  protocol: string;
  host: string;
  port: number;
  security: Security;
  username: string;
}

interface Guide {
  id: string;
  name: string;
  platform: string;
  automatic: string | null;
  legacy: boolean;
}

/** Client setup: discovery of an address's settings and the per-client guides (HTML and PDF). */
export function ClientsPage() {
  const { t, i18n } = useTranslation(["ui", "registry"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const [email, setEmail] = useState("");
  const [asked, setAsked] = useState<string | null>(null);
  const discovery = useQuery({
    queryKey: ["clients", "discover", asked],
    enabled: asked !== null,
    retry: false,
    queryFn: ({ signal }) =>
      api<DiscoveryResult>(
        "GET",
        `/clients/discover?${new URLSearchParams({ email: asked ?? "" }).toString()}`,
        { signal },
      ),
  });
  const guides = useQuery({
    queryKey: ["clients", "guides"],
    queryFn: () => api<{ items: Guide[] }>("GET", "/clients/guides").then((r) => r.items),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    if (email.trim()) setAsked(email.trim());
  }

  const result = discovery.data;
  const guideUrl = (id: string, pdf: boolean) =>
    `/api/v1/clients/guides/${encodeURIComponent(id)}${pdf ? ".pdf" : ""}?${new URLSearchParams({ email: result?.email ?? "", lang }).toString()}`;

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
                    <Anchor href={guideUrl(guide.id, false)} target="_blank" rel="noopener" size="sm">
                      {t("clients.guideHtml", { name: guide.name })}
                    </Anchor>
                    <Anchor
                      href={guideUrl(guide.id, true)}
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

/** Login templates of the autoconfig format (`%EMAILADDRESS%`, `%EMAILLOCALPART%`) for this address. */
function loginFor(template: string, email: string): string {
  const local = email.slice(0, email.lastIndexOf("@"));
  return template.replaceAll("%EMAILADDRESS%", email).replaceAll("%EMAILLOCALPART%", local);
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
