import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import { CONNECTION_EXPLANATIONS } from "./explain-text-connection.js";
import { INPUT_EXPLANATIONS } from "./explain-text-input.js";
import type { CodeText } from "./explain-text-kit.js";
import { POLICY_EXPLANATIONS } from "./explain-text-policy.js";
import { SESSION_EXPLANATIONS } from "./explain-text-session.js";

export type { ExplainParams } from "./explain-text-kit.js";

/**
 * Diagnosis and fix for each failure code, in the words of the help-desk pages ("SSL", "port",
 * "mot de passe d'application"): what happened, then what to change. Wording is the product; keep it short.
 * The Record type makes a missing code a compile error.
 */
export const EXPLANATIONS: Record<ProbeFailureCode, CodeText> = {
  ...CONNECTION_EXPLANATIONS,
  ...POLICY_EXPLANATIONS,
  ...SESSION_EXPLANATIONS,
  ...INPUT_EXPLANATIONS,
};
