import {
  ActionIcon,
  Alert,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, errorText } from "../api/client.js";
import {
  useCreateDepartment,
  useDeleteDepartment,
  useDepartments,
  useRenameDepartment,
  type Department,
} from "../api/departments.js";

function nameError(error: unknown, lang: "fr" | "en"): string | undefined {
  if (!(error instanceof ApiError)) return error ? errorText(error, lang) : undefined;
  return error.details.find((d) => d.path === "name")?.[lang] ?? error.text(lang);
}

/** Departments (services) that custom server usages name: create, rename, delete. */
export function DepartmentsPage() {
  const { t, i18n } = useTranslation(["registry", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const departments = useDepartments();
  const creation = useCreateDepartment();
  const [name, setName] = useState("");
  const [renaming, setRenaming] = useState<Department | null>(null);
  const [deleting, setDeleting] = useState<Department | null>(null);

  function create(event: FormEvent) {
    event.preventDefault();
    creation.mutate(name, {
      onSuccess: (created) => {
        notifications.show({ color: "green", message: t("departments.created", { name: created.name }) });
        setName("");
      },
    });
  }

  const items = departments.data ?? [];
  return (
    <Stack gap="md" maw={760}>
      <div>
        <Title order={2} className="page-title">
          {t("departments.title")}
        </Title>
        <Text size="sm" c="dimmed">
          {t("departments.intro")}
        </Text>
      </div>
      <Paper withBorder p="md" radius="md">
        <Stack>
          <form onSubmit={create} noValidate>
            <Group align="flex-start" gap="sm">
              <TextInput
                label={t("departments.name")}
                value={name}
                onChange={(event) => setName(event.currentTarget.value)}
                error={nameError(creation.error, lang)}
                required
                style={{ flex: 1, minWidth: 200 }}
                data-testid="department-name"
              />
              <Button
                type="submit"
                mt={25}
                loading={creation.isPending}
                leftSection={<IconPlus size={16} aria-hidden />}
              >
                {t("departments.add")}
              </Button>
            </Group>
          </form>
          {departments.isPending ? (
            <Group role="status" gap="xs">
              <Loader size="sm" aria-hidden />
              {t("departments.loading")}
            </Group>
          ) : departments.isError ? (
            <Alert color="red" role="alert">
              {t("departments.loadFailed", { message: errorText(departments.error, lang) })}
            </Alert>
          ) : items.length === 0 ? (
            <Text c="dimmed">{t("departments.empty")}</Text>
          ) : (
            <Table striped highlightOnHover data-testid="departments-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("departments.name")}</Table.Th>
                  <Table.Th>{t("departments.servers")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("servers.columns.actions")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((department) => (
                  <Table.Tr key={department.id} data-department={department.name}>
                    <Table.Td>{department.name}</Table.Td>
                    <Table.Td>{department.serverCount}</Table.Td>
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Tooltip label={t("departments.rename", { name: department.name })} withArrow>
                          <ActionIcon
                            variant="subtle"
                            aria-label={t("departments.rename", { name: department.name })}
                            onClick={() => setRenaming(department)}
                          >
                            <IconPencil size={18} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t("departments.delete", { name: department.name })} withArrow>
                          <ActionIcon
                            variant="subtle"
                            color="red"
                            aria-label={t("departments.delete", { name: department.name })}
                            onClick={() => setDeleting(department)}
                          >
                            <IconTrash size={18} aria-hidden />
                          </ActionIcon>
                        </Tooltip>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Paper>
      {renaming && <RenameDialog department={renaming} onClose={() => setRenaming(null)} />}
      {deleting && <DeleteDialog department={deleting} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

function RenameDialog(props: { department: Department; onClose(): void }) {
  const { t, i18n } = useTranslation(["registry", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const [name, setName] = useState(props.department.name);
  const renaming = useRenameDepartment();

  function submit(event: FormEvent) {
    event.preventDefault();
    renaming.mutate(
      { id: props.department.id, name },
      {
        onSuccess: (renamed) => {
          notifications.show({ color: "green", message: t("departments.renamed", { name: renamed.name }) });
          props.onClose();
        },
      },
    );
  }

  return (
    <Modal opened onClose={props.onClose} title={t("departments.renameTitle")} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t("departments.name")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError(renaming.error, lang)}
            data-autofocus
            required
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              {t("common:actions.cancel")}
            </Button>
            <Button type="submit" loading={renaming.isPending}>
              {t("common:actions.save")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function DeleteDialog(props: { department: Department; onClose(): void }) {
  const { t, i18n } = useTranslation(["registry", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const deletion = useDeleteDepartment();
  const { department } = props;

  function confirm() {
    deletion.mutate(department.id, {
      onSuccess: () => {
        notifications.show({ color: "green", message: t("departments.deleted", { name: department.name }) });
        props.onClose();
      },
    });
  }

  return (
    <Modal opened onClose={props.onClose} title={t("departments.deleteTitle")} centered>
      <Stack>
        <Text>{t("departments.deleteText", { name: department.name })}</Text>
        {department.serverCount > 0 && (
          <Text size="sm" c="orange.8">
            {t("departments.deleteInUse", { count: department.serverCount })}
          </Text>
        )}
        {deletion.error !== null && (
          <Alert color="red" role="alert" data-testid="department-delete-error">
            {errorText(deletion.error, lang)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose} data-autofocus>
            {t("common:actions.cancel")}
          </Button>
          <Button
            color="red"
            loading={deletion.isPending}
            onClick={confirm}
            data-testid="confirm-delete-department"
          >
            {t("common:actions.delete")}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
