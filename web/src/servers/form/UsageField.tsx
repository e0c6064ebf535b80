import { MultiSelect, Radio, Stack, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Department } from "../../api/departments.js";
import type { ServerFormValues } from "./formModel.js";

interface Props {
  mode: ServerFormValues["usageMode"];
  departmentIds: string[];
  departments: Department[];
  onMode(mode: ServerFormValues["usageMode"]): void;
  onDepartments(ids: string[]): void;
  error?: string | undefined;
}

/** "Utilisation par défaut" (every department) or "Utilisation personnalisée" (several chosen). */
export function UsageField(props: Props) {
  const { t } = useTranslation("registry");
  const names = props.departments.map((d) => d.name).join(", ");
  return (
    <Radio.Group
      value={props.mode}
      onChange={(value) => props.onMode(value === "custom" ? "custom" : "all")}
      label={t("form.usageLabel")}
      required
    >
      <Stack gap="sm" mt="xs">
        <Radio
          value="all"
          label={t("form.usageDefault")}
          description={t("form.usageDefaultHelp", { names: names || "—" })}
        />
        <Radio value="custom" label={t("form.usageCustom")} description={t("form.usageCustomHelp")} />
        {props.mode === "custom" && (
          <>
            <MultiSelect
              label={t("form.departments")}
              placeholder={props.departmentIds.length === 0 ? t("form.departmentsPlaceholder") : undefined}
              data={props.departments.map((d) => ({ value: String(d.id), label: d.name }))}
              value={props.departmentIds}
              onChange={props.onDepartments}
              error={props.error}
              searchable
              clearable
              required
              comboboxProps={{ withinPortal: true }}
              data-testid="usage-departments"
            />
            {props.departments.length === 0 && (
              <Text size="xs" c="dimmed">
                {t("form.noDepartments")}
              </Text>
            )}
          </>
        )}
      </Stack>
    </Radio.Group>
  );
}
