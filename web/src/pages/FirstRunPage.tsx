import { Alert, Button, PasswordInput, Stack, TextInput } from "@mantine/core";
import { lazy, Suspense, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useFirstRun } from "../api/auth.js";
import { ApiError, errorText } from "../api/client.js";
import { useSession } from "../api/session.js";
import { navigate, useLocation } from "../router.js";
import { AuthFrame } from "./AuthFrame.js";

// The meter carries zxcvbn's dictionaries: loaded only on this screen and in the server form.
const PasswordMeter = lazy(() =>
  import("../components/PasswordMeter.js").then((m) => ({ default: m.PasswordMeter })),
);

/** First-run screen (`/first-run?token=…`; old `/setup` links still open it): creates the first admin with the link printed by `facteur serve`. */
export function FirstRunPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : "fr";
  const { signedIn, reload } = useSession();
  const { search } = useLocation();
  const token = search.get("token") ?? "";
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const firstRun = useFirstRun();
  const error = firstRun.error;
  const mismatch = confirm.length > 0 && confirm !== password;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== confirm) return;
    firstRun.mutate(
      { token, email, password },
      {
        onSuccess: (answer) => {
          navigate("servers", { replace: true });
          signedIn(answer.admin.email, answer.csrfToken);
        },
      },
    );
  }

  const issues = error instanceof ApiError ? error.details : [];
  const fieldError = (path: string) => issues.find((issue) => issue.path === path)?.[lang];
  const alreadyDone = error instanceof ApiError && error.code === "FIRST_RUN_ALREADY_DONE";

  return (
    <AuthFrame title={t("firstRun.title")} intro={t("firstRun.intro")}>
      {!token ? (
        <Alert color="yellow" role="status">
          {t("firstRun.noToken")}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {error !== null && (
              <Alert color="red" role="alert">
                {errorText(error, lang)}
                {alreadyDone && (
                  <Button
                    variant="light"
                    mt="xs"
                    onClick={() => {
                      navigate("login");
                      reload();
                    }}
                  >
                    {t("firstRun.goToLogin")}
                  </Button>
                )}
              </Alert>
            )}
            <TextInput
              label={t("firstRun.email")}
              type="email"
              autoComplete="username"
              required
              autoFocus
              value={email}
              error={fieldError("email")}
              onChange={(event) => setEmail(event.currentTarget.value)}
            />
            <PasswordInput
              label={t("firstRun.password")}
              autoComplete="new-password"
              required
              value={password}
              error={fieldError("password")}
              aria-describedby="first-run-password-meter"
              onChange={(event) => setPassword(event.currentTarget.value)}
            />
            <Suspense fallback={null}>
              <PasswordMeter password={password} id="first-run-password-meter" />
            </Suspense>
            <PasswordInput
              label={t("firstRun.passwordConfirm")}
              autoComplete="new-password"
              required
              value={confirm}
              error={mismatch ? t("firstRun.mismatch") : undefined}
              onChange={(event) => setConfirm(event.currentTarget.value)}
            />
            <Button
              type="submit"
              loading={firstRun.isPending}
              disabled={!email || !password || password !== confirm}
            >
              {t("firstRun.submit")}
            </Button>
          </Stack>
        </form>
      )}
    </AuthFrame>
  );
}
