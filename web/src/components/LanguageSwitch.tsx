import { SegmentedControl } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useSession } from "../api/session.js";
import { currentLang, isLang, LANGS } from "../i18n.js";

/** FR / EN switch; the choice is remembered in this browser and by the server (cookie). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const { setLang } = useSession();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t("app.language")}
      value={isLang(i18n.language) ? i18n.language : currentLang()}
      onChange={(value) => isLang(value) && void setLang(value)}
      data={LANGS.map((lang) => ({
        value: lang,
        label: (
          <span lang={lang} title={t(`app.languages.${lang}`)}>
            {lang.toUpperCase()}
          </span>
        ),
      }))}
    />
  );
}
