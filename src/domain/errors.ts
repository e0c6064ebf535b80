import { authErrors } from "./codes/auth.js";
import { coreErrors } from "./codes/core.js";
import { diagnosticsErrors } from "./codes/diagnostics.js";
import { secretsErrors } from "./codes/secrets.js";
import { sendingErrors } from "./codes/sending.js";
import { clientsErrors } from "./codes/clients.js";
import type { ErrorDefinition } from "./error-definition.js";

export type { ErrorDefinition } from "./error-definition.js";

/**
 * The closed error vocabulary of Facteur. Each capability declares its codes in `codes/<capability>.ts`;
 * this file is the one place they meet. Codes are UPPER_SNAKE_CASE and stable: clients may rely on them.
 */
export const ERRORS = {
  ...coreErrors,
  ...authErrors,
  ...diagnosticsErrors,
  ...secretsErrors,
  ...sendingErrors,
  ...clientsErrors,
} as const;

export type ErrorCode = keyof typeof ERRORS;
export type Lang = "fr" | "en";
export const LANGS: readonly Lang[] = ["fr", "en"];

/** A problem with one input field, ready to show next to that field. */
export interface FieldIssue {
  path: string;
  code: string;
  fr: string;
  en: string;
}

/** The only exception type domain code throws; translated to HTTP / CLI / UI at the edge. */
export class FacteurError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: FieldIssue[] | undefined;
  readonly meta: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    options: { details?: FieldIssue[]; meta?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    const definition: ErrorDefinition = ERRORS[code];
    super(definition.en, { cause: options.cause });
    this.name = "FacteurError";
    this.code = code;
    this.status = definition.status;
    this.details = options.details;
    this.meta = options.meta;
  }

  localized(lang: Lang): string {
    return (ERRORS[this.code] as ErrorDefinition)[lang];
  }
}

export function isFacteurError(error: unknown): error is FacteurError {
  return error instanceof FacteurError;
}

/** The FR/EN text of a code, for places that explain without throwing. */
export function describeError(code: ErrorCode, lang: Lang): string {
  return (ERRORS[code] as ErrorDefinition)[lang];
}
