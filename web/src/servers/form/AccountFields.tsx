import { PasswordInput, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { passwordReentryText, type PasswordBoundField } from "../../../../src/domain/secret-binding.js";
import { PasswordMeter } from "../../components/PasswordMeter.js";
import type { ServerFormValues } from "./formModel.js";

interface Props {
  values: ServerFormValues;
  set<K extends keyof ServerFormValues>(key: K, value: ServerFormValues[K]): void;
  error(field: string): string | undefined;
  lang: "fr" | "en";
  editing: boolean;
  /** Settings changed since the password was stored: it must be typed again (see secret-binding). */
  reentry: readonly PasswordBoundField[];
}

/** Mail address, sender name, username and password (with its strength meter) of the server's account. */
export function AccountFields({ values, set, error, lang, editing, reentry }: Props) {
  const { t } = useTranslation(["registry", "common"]);
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput
          label={t("form.mail")}
          description={t("form.mailHelp")}
          required
          type="email"
          value={values.mail}
          onChange={(event) => set("mail", event.currentTarget.value)}
          error={error("mail")}
          name="mail"
          autoComplete="off"
        />
        <TextInput
          label={t("form.senderName")}
          description={t("form.senderNameHelp")}
          required
          value={values.senderName}
          onChange={(event) => set("senderName", event.currentTarget.value)}
          error={error("senderName")}
          name="senderName"
        />
      </SimpleGrid>
      <TextInput
        label={t("form.username")}
        description={t("form.usernameHelp")}
        required
        value={values.username}
        onChange={(event) => set("username", event.currentTarget.value)}
        error={error("username")}
        name="username"
        autoComplete="off"
      />
      <PasswordInput
        label={t("form.password")}
        description={
          reentry.length > 0
            ? passwordReentryText(reentry)[lang]
            : editing
              ? t("form.passwordUnchangedHelp")
              : t("form.passwordHelp")
        }
        required={(!editing || reentry.length > 0) && values.authentication !== "none"}
        placeholder={editing && reentry.length === 0 ? t("form.passwordUnchanged") : undefined}
        value={values.password}
        onChange={(event) => set("password", event.currentTarget.value)}
        error={error("password")}
        autoComplete="new-password"
        name="password"
        aria-describedby="server-password-meter"
      />
      {(values.password !== "" || !editing) && (
        <PasswordMeter password={values.password} id="server-password-meter" />
      )}
    </Stack>
  );
}
