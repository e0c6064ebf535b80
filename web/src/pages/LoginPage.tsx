import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useLogin } from "../api/auth.js";
import { errorText } from "../api/client.js";
import { useSession } from "../api/session.js";
import { AuthFrame } from "./AuthFrame.js";

/** Sign-in screen (`/login`). */
export function LoginPage({ expired }: { expired: boolean }) {
  const { t, i18n } = useTranslation();
  const { signedIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const signIn = useLogin();
  const error = signIn.error;

  function submit(event: FormEvent) {
    event.preventDefault();
    signIn.mutate(
      { email, password },
      { onSuccess: (answer) => signedIn(answer.admin.email, answer.csrfToken) },
    );
  }

  return (
    <AuthFrame title={t("login.title")} intro={t("login.intro")}>
      <form onSubmit={submit} noValidate>
        <Stack>
          {expired && !error && (
            <Alert color="yellow" role="status">
              {t("errors.sessionExpired")}
            </Alert>
          )}
          {error !== null && (
            <Alert color="red" role="alert" data-testid="login-error">
              {errorText(error, i18n.language === "en" ? "en" : "fr")}
            </Alert>
          )}
          <TextInput
            label={t("login.email")}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.currentTarget.value)}
            data-autofocus
            autoFocus
          />
          <PasswordInput
            label={t("login.password")}
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          <Button type="submit" loading={signIn.isPending}>
            {t("login.submit")}
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
