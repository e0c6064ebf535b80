import { Alert, Button, Fieldset, Group, Loader, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, errorText } from "../../api/client.js";
import { useDepartments } from "../../api/departments.js";
import {
  useSaveServer,
  useServerWithLogo,
  type CreateServerInput,
  type SavedServer,
  type UpdateServerInput,
} from "../../api/servers.js";
import { AccountFields } from "./AccountFields.js";
import { ConnectionFields } from "./ConnectionFields.js";
import {
  EMPTY_FORM,
  issuesByField,
  passwordReentryFields,
  validateServerForm,
  valuesFromServer,
  type FieldErrors,
  type Logo,
  type ServerFormValues,
} from "./formModel.js";
import { SignatureEditor } from "./SignatureEditor.js";
import { UsageField } from "./UsageField.js";

export interface ServerFormModalProps {
  /** null: create a server. */
  serverId: number | null;
  onClose(): void;
  onSaved(saved: SavedServer): void;
}

/** Create / edit a server: every field of the seed, validated like the API, errors next to the fields. */
export function ServerFormModal({ serverId, onClose, onSaved }: ServerFormModalProps) {
  const { t, i18n } = useTranslation(["registry", "common"]);
  const phone = useMediaQuery("(max-width: 48em)");
  const editing = serverId !== null;
  const existing = useServerWithLogo(serverId);
  const title = editing
    ? t("form.editTitle", { title: existing.data?.server.title ?? "…" })
    : t("form.createTitle");

  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      size="xl"
      fullScreen={phone}
      closeOnClickOutside={false}
      data-testid="server-form-modal"
    >
      {editing && existing.isPending ? (
        <Group role="status" gap="xs">
          <Loader size="sm" aria-hidden /> {t("common:state.loading")}
        </Group>
      ) : editing && existing.isError ? (
        <Alert color="red" role="alert">
          {errorText(existing.error, i18n.language === "en" ? "en" : "fr")}
        </Alert>
      ) : (
        <ServerForm
          key={existing.data?.server.version ?? "new"}
          initial={
            existing.data
              ? valuesFromServer(existing.data.server, existing.data.logo as Logo | null)
              : EMPTY_FORM
          }
          version={existing.data?.server.version ?? null}
          serverId={serverId}
          onCancel={onClose}
          onSaved={onSaved}
          onReload={() => void existing.refetch()}
        />
      )}
    </Modal>
  );
}

function ServerForm(props: {
  initial: ServerFormValues;
  version: number | null;
  serverId: number | null;
  onCancel(): void;
  onSaved(saved: SavedServer): void;
  onReload(): void;
}) {
  const { t, i18n } = useTranslation(["registry", "common"]);
  const lang = i18n.language === "en" ? "en" : "fr";
  const departments = useDepartments();
  const saving = useSaveServer();
  const [values, setValues] = useState<ServerFormValues>(props.initial);
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const editing = props.version !== null;

  const validation = validateServerForm(values, props.version, editing ? props.initial : null);
  // The stored password only serves the settings it was entered for: changing one asks for it again.
  const reentry = editing ? passwordReentryFields(values, props.initial) : [];
  const clientErrors = submitted && !validation.ok ? validation.errors : {};
  const error = (field: string): string | undefined => (clientErrors[field] ?? serverErrors[field])?.[lang];

  function set<K extends keyof ServerFormValues>(key: K, value: ServerFormValues[K]) {
    setValues((v) => ({ ...v, [key]: value, ...(key === "logo" ? { logoChanged: true } : {}) }));
    if (key in serverErrors || (key === "usageMode" && "departmentIds" in serverErrors)) {
      setServerErrors((errors) => {
        const { [key as string]: _removed, ...rest } = errors;
        return rest;
      });
    }
  }

  useEffect(() => {
    if (!submitted) return;
    // Move focus to the first field in error, so keyboard and screen-reader users land on it.
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [submitted, serverErrors]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setFailure(null);
    setServerErrors({});
    const checked = validateServerForm(values, props.version, editing ? props.initial : null);
    if (!checked.ok) {
      setSubmitted(false);
      requestAnimationFrame(() => setSubmitted(true));
      return;
    }
    const input =
      props.serverId === null
        ? { id: null, body: checked.body as CreateServerInput }
        : { id: props.serverId, body: checked.body as UpdateServerInput };
    saving.mutate(input, { onSuccess: announceSaved, onError: showRefusal });
  }

  function announceSaved(saved: SavedServer) {
    notifications.show({
      color: saved.warnings.length > 0 ? "orange" : "green",
      title: t(editing ? "servers.updated" : "servers.created", { title: saved.server.title }),
      message:
        saved.warnings.length > 0
          ? `${t("servers.savedWithWarnings")} ${saved.warnings.map((w) => w[lang]).join(" ")}`
          : undefined,
      autoClose: saved.warnings.length > 0 ? 12_000 : 5_000,
    });
    props.onSaved(saved);
  }

  function showRefusal(caught: unknown) {
    setFailure(caught);
    if (caught instanceof ApiError) setServerErrors(issuesByField(caught.details));
  }

  const conflict = failure instanceof ApiError && failure.code === "VERSION_CONFLICT";
  const errorCount = Object.keys({ ...clientErrors, ...serverErrors }).length;

  return (
    <form ref={formRef} onSubmit={submit} noValidate data-testid="server-form">
      <Stack gap="md">
        {!editing && (
          <Text size="sm" c="dimmed">
            {t("form.allRequired")}
          </Text>
        )}
        {(failure !== null || errorCount > 0) && (
          <Alert color="red" role="alert" data-testid="form-error">
            {failure !== null ? errorText(failure, lang) : t("common:errors.fixFields")}
            {conflict && (
              <Button size="xs" variant="light" mt="xs" display="block" onClick={props.onReload}>
                {t("form.reload")}
              </Button>
            )}
          </Alert>
        )}

        <Fieldset legend={t("form.sectionServer")}>
          <Stack gap="sm">
            <TextInput
              label={t("form.title")}
              description={t("form.titleHelp")}
              required
              value={values.title}
              onChange={(event) => set("title", event.currentTarget.value)}
              error={error("title")}
              data-autofocus
              name="title"
            />
            <ConnectionFields values={values} set={set} error={error} lang={lang} />
          </Stack>
        </Fieldset>

        <Fieldset legend={t("form.sectionAccount")}>
          <AccountFields
            values={values}
            set={set}
            error={error}
            lang={lang}
            editing={editing}
            reentry={reentry}
          />
        </Fieldset>

        <Fieldset legend={t("form.sectionUsage")}>
          <UsageField
            mode={values.usageMode}
            departmentIds={values.departmentIds}
            departments={departments.data ?? []}
            onMode={(mode) => set("usageMode", mode)}
            onDepartments={(ids) => set("departmentIds", ids)}
            error={error("departmentIds")}
          />
        </Fieldset>

        <Fieldset legend={t("form.sectionSignature")}>
          <SignatureEditor
            value={values.signatureHtml}
            onChange={(html) => set("signatureHtml", html)}
            logo={values.logo}
            onLogo={(logo) => set("logo", logo)}
            signatureError={error("signatureHtml")}
            logoError={error("logo")}
          />
        </Fieldset>

        <Group justify="flex-end" gap="sm" pos="sticky" bottom={0} bg="white" py="sm" style={{ zIndex: 2 }}>
          <Button variant="default" onClick={props.onCancel}>
            {t("common:actions.cancel")}
          </Button>
          <Button type="submit" loading={saving.isPending} data-testid="server-form-submit">
            {t("common:actions.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
