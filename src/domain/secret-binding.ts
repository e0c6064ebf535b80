/**
 * A stored server password is bound to the endpoint it was typed for (see secrets/server-password.ts): these
 * settings decide where the password goes, so changing any of them needs the password again. Shared by the
 * API, the CLI and the UI form so all three apply and explain the same rule.
 */
export const PASSWORD_BOUND_FIELDS = ["host", "port", "security", "authentication", "username"] as const;

export type PasswordBoundField = (typeof PASSWORD_BOUND_FIELDS)[number];

export type PasswordBinding = Record<PasswordBoundField, string | number>;

/** The bound fields an edit changes (a field left out, or sent with its stored value, is unchanged). */
export function changedBoundFields(
  stored: PasswordBinding,
  next: Partial<Record<PasswordBoundField, string | number | undefined>>,
): PasswordBoundField[] {
  return PASSWORD_BOUND_FIELDS.filter((field) => next[field] !== undefined && next[field] !== stored[field]);
}

const FIELD_NAMES: Record<PasswordBoundField, { fr: string; en: string }> = {
  host: { fr: "l'hôte", en: "host" },
  port: { fr: "le port", en: "port" },
  security: { fr: "la sécurité", en: "security" },
  authentication: { fr: "l'authentification", en: "authentication" },
  username: { fr: "l'utilisateur", en: "username" },
};

/** Issue code on the `password` field when an edit moves the endpoint without giving the password again. */
export const PASSWORD_REENTRY_CODE = "PASSWORD_REENTRY_REQUIRED";

/** FR/EN text of that issue, naming the changed settings. */
export function passwordReentryText(fields: readonly PasswordBoundField[]): { fr: string; en: string } {
  const fr = fields.map((f) => FIELD_NAMES[f].fr).join(", ");
  const en = fields.map((f) => FIELD_NAMES[f].en).join(", ");
  return {
    fr: `Saisissez à nouveau le mot de passe : ${fr || "la connexion"} change, et le mot de passe enregistré ne sert qu'aux réglages pour lesquels il a été saisi.`,
    en: `Enter the password again: ${en || "the connection"} changes, and the stored password only serves the settings it was entered for.`,
  };
}
