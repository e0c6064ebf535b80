import { Center, Group, Paper, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useDocumentLang } from "../api/session.js";
import { LanguageSwitch } from "../components/LanguageSwitch.js";

/** The centred card of the login and first-run screens. */
export function AuthFrame({ title, intro, children }: { title: string; intro: string; children: ReactNode }) {
  const { t } = useTranslation();
  useDocumentLang();
  return (
    <Center mih="100vh" p="md" component="main" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w="100%" maw={440} radius="md">
        <Stack>
          <Group justify="space-between">
            <Text fw={700} c="indigo.7">
              {t("app.name")}
            </Text>
            <LanguageSwitch />
          </Group>
          <div>
            <Title order={1} size="h2">
              {title}
            </Title>
            <Text c="dimmed" size="sm">
              {intro}
            </Text>
          </div>
          {children}
        </Stack>
      </Paper>
    </Center>
  );
}
