import {
  Alert,
  Chip,
  Group,
  List,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import {
  AUTH_METHODS,
  DEFAULT_PORTS,
  portSecurityWarnings,
  SECURITY_MODES,
  SMTP_PORT_SUGGESTIONS,
  type AuthMethod,
  type SecurityMode,
} from "../../../../src/domain/ports.js";
import type { ServerFormValues } from "./formModel.js";

const SUGGESTED_PORTS = new Set(
  SMTP_PORT_SUGGESTIONS.map((s) => s.port).concat(Object.values(DEFAULT_PORTS.smtp)),
);

interface Props {
  values: ServerFormValues;
  set<K extends keyof ServerFormValues>(key: K, value: ServerFormValues[K]): void;
  error(field: string): string | undefined;
  lang: "fr" | "en";
}

/** Host, port (with suggestions by security mode and the seed's explanation), security, authentication. */
export function ConnectionFields({ values, set, error, lang }: Props) {
  const { t } = useTranslation("registry");
  const warnings =
    values.port === ""
      ? []
      : portSecurityWarnings("smtp", values.port, values.security, values.authentication !== "none");

  function chooseSecurity(security: SecurityMode) {
    set("security", security);
    // Follow the usual port of the new mode unless the admin typed an unusual one on purpose.
    if (values.port === "" || SUGGESTED_PORTS.has(values.port)) set("port", DEFAULT_PORTS.smtp[security]);
  }

  return (
    <Stack gap="sm">
      <TextInput
        label={t("form.host")}
        description={t("form.hostHelp")}
        required
        value={values.host}
        onChange={(event) => set("host", event.currentTarget.value)}
        error={error("host")}
        autoComplete="off"
        spellCheck={false}
        name="host"
      />
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Select
          label={t("form.security")}
          description={t("form.securityHelp")}
          required
          data={SECURITY_MODES.map((mode) => ({ value: mode, label: t(`servers.security.${mode}`) }))}
          value={values.security}
          onChange={(value) => value && chooseSecurity(value as SecurityMode)}
          allowDeselect={false}
          error={error("security")}
          name="security"
        />
        <NumberInput
          label={t("form.port")}
          required
          min={1}
          max={65535}
          allowDecimal={false}
          allowNegative={false}
          hideControls
          value={values.port}
          onChange={(value) =>
            set("port", typeof value === "number" ? value : value === "" ? "" : Number(value))
          }
          error={error("port")}
          name="port"
        />
      </SimpleGrid>
      <div>
        <Text size="xs" fw={500} mb={4} id="port-suggestions-label">
          {t("form.portSuggestions")}
        </Text>
        <Group gap={6} role="group" aria-labelledby="port-suggestions-label">
          {SMTP_PORT_SUGGESTIONS.map((s) => (
            <Chip
              key={`${s.port}-${s.security}`}
              size="xs"
              checked={values.port === s.port && values.security === s.security}
              onChange={() => {
                set("port", s.port);
                set("security", s.security);
              }}
            >
              {t("form.portSuggestion", { port: s.port, security: t(`servers.security.${s.security}`) })}
            </Chip>
          ))}
        </Group>
        <Text size="xs" c="dimmed" mt={6}>
          {t("form.portHelp")}
        </Text>
      </div>
      {warnings.length > 0 && (
        <Alert
          color="orange"
          icon={<IconAlertTriangle size={18} aria-hidden />}
          title={t("form.warnings")}
          role="status"
          data-testid="port-warnings"
        >
          <List size="sm" spacing={2}>
            {warnings.map((warning) => (
              <List.Item key={warning.code}>{warning[lang]}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      <Select
        label={t("form.authentication")}
        description={t("form.authenticationHelp")}
        required
        data={AUTH_METHODS.map((method) => ({ value: method, label: t(`servers.authentication.${method}`) }))}
        value={values.authentication}
        onChange={(value) => value && set("authentication", value as AuthMethod)}
        allowDeselect={false}
        error={error("authentication")}
        name="authentication"
      />
    </Stack>
  );
}
