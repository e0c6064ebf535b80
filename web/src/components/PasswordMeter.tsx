import { Group, List, Progress, Stack, Text, ThemeIcon } from "@mantine/core";
import { IconCheck, IconX } from "@tabler/icons-react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import {
  CRITERION_TEXT,
  PASSWORD_MIN_SCORE,
  passwordStrength,
  type PasswordCriterion,
} from "../../../src/domain/password-policy.js";
import { currentLang } from "../i18n.js";

const CRITERIA: PasswordCriterion[] = ["lower", "upper", "digit", "special", "length"];
const SCORE_COLORS = ["red", "red", "orange", "teal", "green"];

/**
 * Live strength of a password with the seed's criteria (lower, upper, digit, special — plus length) and the
 * zxcvbn score, computed by the same function the API uses to accept or refuse it.
 */
export function PasswordMeter({ password, id }: { password: string; id?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === "en" ? "en" : currentLang();
  const strength = useMemo(() => passwordStrength(password), [password]);
  const labels = t("password.scoreLabels", { returnObjects: true }) as string[];
  const color = SCORE_COLORS[strength.score] ?? "red";

  return (
    <Stack gap={6} id={id} aria-live="polite">
      <Group justify="space-between" gap="xs">
        <Text size="xs" fw={600}>
          {t("password.strength")}
        </Text>
        <Text size="xs" c={color} data-testid="password-score">
          {t("password.score", { score: strength.score, label: labels[strength.score] ?? "" })}
        </Text>
      </Group>
      <Progress
        value={password ? ((strength.score + 1) / 5) * 100 : 0}
        color={color}
        size="sm"
        aria-label={t("password.strength")}
      />
      <Text size="xs">{t("password.criteria")}</Text>
      <List spacing={2} size="xs" center>
        {CRITERIA.map((criterion) => {
          const met = strength.criteria[criterion];
          return (
            <List.Item
              key={criterion}
              data-criterion={criterion}
              data-met={met}
              icon={
                <ThemeIcon color={met ? "green" : "gray"} size={16} radius="xl" aria-hidden>
                  {met ? <IconCheck size={12} /> : <IconX size={12} />}
                </ThemeIcon>
              }
            >
              <Text span size="xs" c={met ? undefined : "dimmed"}>
                {CRITERION_TEXT[criterion][lang]} — {met ? t("password.met") : t("password.missing")}
              </Text>
            </List.Item>
          );
        })}
      </List>
      {password && (
        <Text size="xs" c={strength.acceptable ? "green.8" : "red.8"}>
          {strength.acceptable ? t("password.acceptable") : t("password.notAcceptable")}
        </Text>
      )}
    </Stack>
  );
}

export { PASSWORD_MIN_SCORE };
