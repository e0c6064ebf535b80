import { AppShell, Burger, Button, Group, NavLink, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconBuildingStore,
  IconDeviceMobileCog,
  IconKey,
  IconLogout,
  IconMailbox,
  IconMailCog,
} from "@tabler/icons-react";
import type { MouseEvent as ReactMouseEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../api/session.js";
import { navigate, pathOf, useLocation, type Route } from "../router.js";
import { LanguageSwitch } from "./LanguageSwitch.js";

const NAV: Array<{ route: Route; label: string; icon: ReactNode }> = [
  { route: "servers", label: "app.nav.servers", icon: <IconMailCog size={18} aria-hidden /> },
  { route: "departments", label: "app.nav.departments", icon: <IconBuildingStore size={18} aria-hidden /> },
  { route: "messages", label: "ui:messages.nav", icon: <IconMailbox size={18} aria-hidden /> },
  { route: "clients", label: "ui:clients.nav", icon: <IconDeviceMobileCog size={18} aria-hidden /> },
  { route: "apiKeys", label: "ui:apiKeys.nav", icon: <IconKey size={18} aria-hidden /> },
];

/** Header (title, language, sign-out), navigation (a drawer on phones) and the page. */
export function AppLayout({ email, children }: { email: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const { route } = useLocation();
  const [opened, { toggle, close }] = useDisclosure(false);

  return (
    <AppShell
      header={{ height: 56 }}
      // Two destinations fit in the header on wide screens; the drawer only exists on phones.
      navbar={{ width: 220, breakpoint: "md", collapsed: { mobile: !opened, desktop: true } }}
      padding="md"
    >
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={t("app.openMenu")}
            />
            <Title order={1} size="h4">
              {t("app.name")}
            </Title>
            <Text size="sm" c="dimmed" visibleFrom="xl">
              {t("app.tagline")}
            </Text>
            <Group
              component="nav"
              aria-label={t("app.nav.label")}
              gap={2}
              ml="sm"
              visibleFrom="md"
              wrap="nowrap"
            >
              {NAV.map((item) => (
                <Button
                  key={item.route}
                  component="a"
                  href={pathOf(item.route)}
                  variant={route === item.route ? "light" : "subtle"}
                  color={route === item.route ? "indigo" : "gray"}
                  size="compact-sm"
                  leftSection={item.icon}
                  aria-current={route === item.route ? "page" : undefined}
                  onClick={(event: ReactMouseEvent) => {
                    event.preventDefault();
                    navigate(item.route);
                  }}
                >
                  {t(item.label)}
                </Button>
              ))}
            </Group>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" c="dimmed" visibleFrom="xl">
              {t("app.signedInAs", { email })}
            </Text>
            <LanguageSwitch />
            <Button
              variant="subtle"
              size="xs"
              leftSection={<IconLogout size={16} aria-hidden />}
              onClick={() => void signOut()}
              aria-label={t("app.logout")}
            >
              <Text span size="xs" visibleFrom="sm">
                {t("app.logout")}
              </Text>
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {/* Only rendered while open: an off-screen drawer must not hold keyboard focus stops. */}
      <AppShell.Navbar p="xs" aria-label={t("app.nav.label")} component="nav" hiddenFrom="md">
        {opened &&
          NAV.map((item) => (
            <NavLink
              key={item.route}
              href={pathOf(item.route)}
              label={t(item.label)}
              leftSection={item.icon}
              active={route === item.route}
              aria-current={route === item.route ? "page" : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(item.route);
                close();
              }}
            />
          ))}
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
