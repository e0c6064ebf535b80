import { Alert, Button, Center, Loader, Stack } from "@mantine/core";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { errorText } from "./api/client.js";
import { useDocumentLang, useSession } from "./api/session.js";
import { AppLayout } from "./components/AppLayout.js";
import { DepartmentsPage } from "./departments/DepartmentsPage.js";
import { ApiKeysPage } from "./apikeys/ApiKeysPage.js";
import { ClientsPage } from "./clients/ClientsPage.js";
import { MessagesPage } from "./messages/MessagesPage.js";
import { LoginPage } from "./pages/LoginPage.js";
import { FirstRunPage } from "./pages/FirstRunPage.js";
import { navigate, useLocation } from "./router.js";
import { ServersPage } from "./servers/ServersPage.js";

/** Chooses the screen: first run, login, or the signed-in pages. */
export function App() {
  useDocumentLang();
  const { session, reload } = useSession();
  const { route } = useLocation();
  const { t } = useTranslation();

  useEffect(() => {
    if (session.status === "signedIn" && (route === "login" || route === "firstRun"))
      navigate("servers", { replace: true });
    if (session.status === "anonymous" && route !== "login") navigate("login", { replace: true });
  }, [session.status, route]);

  switch (session.status) {
    case "loading":
      return (
        <Center h="100vh" role="status">
          <Loader aria-label={t("state.loading")} />
        </Center>
      );
    case "unreachable":
      return (
        <Center h="100vh" p="md">
          <Stack maw={480}>
            <Alert color="red" title="Facteur">
              {errorText(session.error)}
            </Alert>
            <Button onClick={reload}>{t("actions.retry")}</Button>
          </Stack>
        </Center>
      );
    case "needsFirstRun":
      return <FirstRunPage />;
    case "anonymous":
      return <LoginPage expired={session.expired} />;
    case "signedIn":
      return (
        <AppLayout email={session.email}>
          {route === "departments" ? (
            <DepartmentsPage />
          ) : route === "messages" ? (
            <MessagesPage />
          ) : route === "clients" ? (
            <ClientsPage />
          ) : route === "apiKeys" ? (
            <ApiKeysPage />
          ) : (
            <ServersPage />
          )}
        </AppLayout>
      );
  }
}
