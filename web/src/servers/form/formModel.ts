import { zodIssuesToFieldIssues } from "../../../../src/domain/field-issues.js";
import type { AuthMethod, SecurityMode } from "../../../../src/domain/ports.js";
import {
  FIELD_TEXT,
  createServerSchema,
  updateServerSchema,
  type CreateServerInput,
  type SmtpServerView,
  type UpdateServerInput,
} from "../../../../src/domain/smtp-server.js";
import {
  changedBoundFields,
  passwordReentryText,
  PASSWORD_REENTRY_CODE,
  type PasswordBoundField,
} from "../../../../src/domain/secret-binding.js";
import type { FieldIssue } from "../../api/client.js";

export interface Logo {
  mimeType: "image/png" | "image/jpeg" | "image/gif" | "image/webp";
  data: string;
}

/** What the form edits: the seed's fields, as the inputs hold them. */
export interface ServerFormValues {
  title: string;
  host: string;
  port: number | "";
  authentication: AuthMethod;
  security: SecurityMode;
  mail: string;
  senderName: string;
  username: string;
  /** Write-only: empty on edit means "unchanged". */
  password: string;
  usageMode: "all" | "custom";
  departmentIds: string[];
  signatureHtml: string;
  logo: Logo | null;
  /** On edit, the logo is only sent when the admin picked or removed one. */
  logoChanged: boolean;
}

export const EMPTY_FORM: ServerFormValues = {
  title: "",
  host: "",
  port: 587,
  authentication: "password",
  security: "starttls",
  mail: "",
  senderName: "",
  username: "",
  password: "",
  usageMode: "all",
  departmentIds: [],
  signatureHtml: "",
  logo: null,
  logoChanged: false,
};

export function valuesFromServer(server: SmtpServerView, logo: Logo | null): ServerFormValues {
  return {
    title: server.title,
    host: server.host,
    port: server.port,
    authentication: server.authentication,
    security: server.security,
    mail: server.mail,
    senderName: server.senderName,
    username: server.username,
    password: "",
    usageMode: server.usage.mode,
    departmentIds: server.usage.mode === "custom" ? server.usage.departmentIds.map(String) : [],
    signatureHtml: server.signatureHtml,
    logo,
    logoChanged: false,
  };
}

function usageOf(values: ServerFormValues) {
  return values.usageMode === "all"
    ? { mode: "all" as const }
    : { mode: "custom" as const, departmentIds: values.departmentIds.map(Number) };
}

/** The request body, before validation (the schemas decide what is wrong with it). */
function rawBody(values: ServerFormValues, version: number | null): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: values.title,
    host: values.host,
    port: values.port === "" ? undefined : values.port,
    authentication: values.authentication,
    security: values.security,
    mail: values.mail,
    senderName: values.senderName,
    username: values.username,
    usage: usageOf(values),
    signatureHtml: values.signatureHtml,
  };
  if (values.password !== "") body.password = values.password;
  if (version === null) {
    body.logo = values.logo;
  } else {
    body.version = version;
    if (values.logoChanged) body.logo = values.logo;
  }
  return body;
}

export type FieldErrors = Record<string, FieldIssue>;

/** Issues keyed by field path ("usage.departmentIds" → "departmentIds"): the first one per field is shown. */
export function issuesByField(issues: readonly FieldIssue[]): FieldErrors {
  const byField: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.path.startsWith("usage") ? "departmentIds" : (issue.path.split(".")[0] ?? "");
    if (!(field in byField)) byField[field] = issue;
  }
  return byField;
}

export type Validated =
  { ok: true; body: CreateServerInput | UpdateServerInput } | { ok: false; errors: FieldErrors };

/**
 * On edit: the settings the stored password is bound to (host, port, security, authentication, username) that
 * changed while the password field is still empty. The API refuses such an edit (PASSWORD_REENTRY_REQUIRED):
 * the form asks for the password again as soon as one changes (none when no authentication is used).
 */
export function passwordReentryFields(
  values: ServerFormValues,
  initial: ServerFormValues | null,
): PasswordBoundField[] {
  if (!initial || values.authentication === "none" || values.password !== "") return [];
  const next = { ...values, port: values.port === "" ? undefined : values.port };
  return changedBoundFields(initial as ServerFormValues & { port: number }, next);
}

/**
 * Validates with the very schemas the API uses (createServerSchema / updateServerSchema), plus the API's
 * password re-entry rule when `initial` (the stored server) is given.
 */
export function validateServerForm(
  values: ServerFormValues,
  version: number | null,
  initial: ServerFormValues | null = null,
): Validated {
  const body = rawBody(values, version);
  const result = version === null ? createServerSchema.safeParse(body) : updateServerSchema.safeParse(body);
  const reentry = version === null ? [] : passwordReentryFields(values, initial);
  const reentryIssue = { path: "password", code: PASSWORD_REENTRY_CODE, ...passwordReentryText(reentry) };
  if (result.success && reentry.length === 0) return { ok: true, body: result.data };
  if (result.success) return { ok: false, errors: { password: reentryIssue } };
  const errors = issuesByField(zodIssuesToFieldIssues(result.error.issues));
  if (reentry.length > 0 && !errors.password) errors.password = reentryIssue;
  // An empty host or mail is "required", not "invalid": say the simpler thing.
  for (const field of ["host", "mail"] as const) {
    if (errors[field] && values[field].trim() === "")
      errors[field] = { path: field, code: "TOO_SMALL", fr: "Champ obligatoire.", en: "Required field." };
  }
  // zod runs the cross-field rules only once every field parses; show them at the same time as the rest.
  if (version === null && values.authentication !== "none" && values.password === "" && !errors.password)
    errors.password = { path: "password", code: "PASSWORD_REQUIRED", ...FIELD_TEXT.PASSWORD_REQUIRED };
  if (values.usageMode === "custom" && values.departmentIds.length === 0 && !errors.departmentIds)
    errors.departmentIds = {
      path: "usage.departmentIds",
      code: "DEPARTMENTS_REQUIRED",
      ...FIELD_TEXT.DEPARTMENTS_REQUIRED,
    };
  return { ok: false, errors };
}
