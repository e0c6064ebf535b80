import { zxcvbn, zxcvbnOptions } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as french from "@zxcvbn-ts/language-fr";

/**
 * Password policy of the seed ("lettres minuscules et majuscules puis des chiffres et caractères
 * spéciaux") plus a guessability score from zxcvbn-ts (0 = trivial … 4 = strong).
 * Shared by the API, the CLI and the UI's strength meter.
 */
export const PASSWORD_MIN_LENGTH = 8; // below this, the four classes fit in a trivially brute-forced space
export const PASSWORD_MAX_LENGTH = 256; // SMTP AUTH lines stay well under the 12,288-octet limit of RFC 4954
export const PASSWORD_MIN_SCORE = 2; // zxcvbn 2 = "somewhat guessable": resists online guessing

let configured = false;
function configure(): void {
  if (configured) return;
  zxcvbnOptions.setOptions({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...french.dictionary },
  });
  configured = true;
}

export type PasswordCriterion = "lower" | "upper" | "digit" | "special" | "length";

export interface PasswordStrength {
  criteria: Record<PasswordCriterion, boolean>;
  /** zxcvbn score 0–4. */
  score: number;
  /** True when every criterion holds and the score reaches PASSWORD_MIN_SCORE. */
  acceptable: boolean;
}

export const CRITERION_TEXT: Record<PasswordCriterion, { fr: string; en: string }> = {
  lower: { fr: "une lettre minuscule", en: "a lower-case letter" },
  upper: { fr: "une lettre majuscule", en: "an upper-case letter" },
  digit: { fr: "un chiffre", en: "a digit" },
  special: { fr: "un caractère spécial", en: "a special character" },
  length: {
    fr: `au moins ${PASSWORD_MIN_LENGTH} caractères`,
    en: `at least ${PASSWORD_MIN_LENGTH} characters`,
  },
};

export function passwordStrength(password: string): PasswordStrength {
  configure();
  const criteria = {
    lower: /\p{Ll}/u.test(password),
    upper: /\p{Lu}/u.test(password),
    digit: /\p{Nd}/u.test(password),
    special: /[^\p{L}\p{Nd}]/u.test(password),
    length: password.length >= PASSWORD_MIN_LENGTH,
  };
  // zxcvbn cost grows with length; the first 100 characters are enough to score.
  const score = password.length === 0 ? 0 : zxcvbn(password.slice(0, 100)).score;
  const acceptable = Object.values(criteria).every(Boolean) && score >= PASSWORD_MIN_SCORE;
  return { criteria, score, acceptable };
}
