import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { api, errorText } from "../api/client.js";
import { useSession } from "../api/session.js";
import { AuthFrame } from "./AuthFrame.js";

/** Sign-in screen (`/login`). */
export function LoginPage({ expired }: { expired: boolean }) {
  const { t, i18n } = useTranslation();
  const { signedIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await api<{ admin: { email: string }; csrfToken: string }>("POST", "/auth/login", {
        body: { email, password },
        allowUnauthenticated: true,
      });
      signedIn(answer.admin.email, answer.csrfToken);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthFrame title={t("login.title")} intro={t("login.intro")}>
      <form onSubmit={(event) => void submit(event)} noValidate>
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
          <Button type="submit" loading={busy}>
            {t("login.submit")}
          </Button>
        </Stack>
      </form>
    </AuthFrame>
  );
}
