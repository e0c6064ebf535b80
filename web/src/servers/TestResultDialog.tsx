import {
  Alert,
  Code,
  Group,
  List,
  Loader,
  Modal,
  ScrollArea,
  Spoiler,
  Stack,
  Text,
  ThemeIcon,
} from "@mantine/core";
import { IconCheck, IconX } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { errorText } from "../api/client.js";
import { useServerTest } from "../api/diagnostics.js";
import type { SmtpServerView } from "../api/servers.js";

const TRANSCRIPT_PREFIX = { send: "C: ", recv: "S: ", info: "* ", error: "! " } as const;

/** "Tester": runs the connection test of a stored server and explains the outcome in words. */
export function TestResultDialog(props: { server: SmtpServerView; onClose(): void; onDone(): void }) {
  const { t, i18n } = useTranslation("registry");
  const lang = i18n.language === "en" ? "en" : "fr";
  const { server } = props;
  const run = useServerTest(server.id, props.onDone);
  const result = run.data;

  return (
    <Modal opened onClose={props.onClose} title={t("servers.testTitle", { title: server.title })} size="lg">
      {run.isPending ? (
        <Group gap="sm" role="status">
          <Loader size="sm" aria-hidden />
          <Text size="sm">{t("servers.testRunning")}</Text>
        </Group>
      ) : run.isError ? (
        <Alert color="red" role="alert">
          {errorText(run.error, lang)}
        </Alert>
      ) : result ? (
        <Stack gap="sm" data-testid="test-result" data-ok={result.ok}>
          {result.ok ? (
            <Alert color="green" role="status" title={t("servers.testOk", { title: server.title })}>
              {t("servers.testOkDetail", {
                host: result.host,
                port: result.port,
                ms: Math.round(result.durationMs),
              })}
            </Alert>
          ) : (
            <Alert color="red" role="alert" title={t("servers.testFailedTitle")}>
              <Text size="sm">{result.failure?.diagnosis[lang]}</Text>
              {result.failure && (
                <Text size="sm" mt="xs">
                  <strong>{t("servers.testFix")}</strong> {result.failure.fix[lang]}
                </Text>
              )}
            </Alert>
          )}
          {result.suggestion && (
            <Alert color="blue" role="status">
              {t("servers.testSuggestion", {
                port: result.suggestion.port,
                security: t(`servers.security.${result.suggestion.security}`),
              })}
            </Alert>
          )}
          {result.warnings.length > 0 && (
            <Alert color="orange" title={t("servers.testWarnings")}>
              <List size="sm">
                {result.warnings.map((w) => (
                  <List.Item key={w.code}>{w[lang]}</List.Item>
                ))}
              </List>
            </Alert>
          )}
          <div>
            <Text size="sm" fw={600} mb={4}>
              {t("servers.testSteps")}
            </Text>
            <List spacing={4} size="sm" center>
              {result.steps.map((step, index) => (
                <List.Item
                  key={`${step.name}-${index}`}
                  icon={
                    <ThemeIcon color={step.ok ? "green" : "red"} size={18} radius="xl" aria-hidden>
                      {step.ok ? <IconCheck size={12} /> : <IconX size={12} />}
                    </ThemeIcon>
                  }
                >
                  {t(`servers.testStepNames.${step.name}`, { defaultValue: step.name })} —{" "}
                  {Math.round(step.ms)} ms{step.detail ? ` — ${step.detail}` : ""}
                </List.Item>
              ))}
            </List>
          </div>
          {result.transcript.length > 0 && (
            <Spoiler
              maxHeight={0}
              showLabel={t("servers.testTranscript")}
              hideLabel={t("servers.testTranscript")}
            >
              <ScrollArea.Autosize mah={260}>
                <Code block>
                  {result.transcript.map((line) => TRANSCRIPT_PREFIX[line.dir] + line.text).join("\n")}
                </Code>
              </ScrollArea.Autosize>
            </Spoiler>
          )}
        </Stack>
      ) : null}
    </Modal>
  );
}
