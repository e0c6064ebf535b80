import { portSecurityWarnings, type PortWarning } from "../domain/ports.js";
import type { ConfirmationState, SmtpServerView } from "../domain/smtp-server.js";
import type { SmtpServerTable } from "../store/schema.js";
import type { ServerRow } from "./server.repository.js";
import { foldForSearch } from "./search-text.js";

function confirmationState(row: ServerRow): ConfirmationState {
  if (row.confirmed_at) return "confirmed";
  return row.confirmation_sent_at ? "pending" : "never_sent";
}

/** A stored server as the API shows it (never its password), with the departments of a custom usage. */
export function toView(row: ServerRow, usage: Array<{ id: number; name: string }>): SmtpServerView {
  return {
    id: row.id,
    title: row.title,
    host: row.host,
    port: row.port,
    authentication: row.authentication,
    security: row.security,
    mail: row.mail,
    senderName: row.sender_name,
    username: row.username,
    hasPassword: row.password_enc !== null,
    usage:
      row.usage_mode === "custom"
        ? { mode: "custom", departmentIds: usage.map((d) => d.id), departments: usage }
        : { mode: "all" },
    signatureHtml: row.signature_html,
    hasLogo: row.logo_base64 !== null,
    priority: row.priority,
    confirmation: {
      state: confirmationState(row),
      sentAt: row.confirmation_sent_at,
      confirmedAt: row.confirmed_at,
    },
    lastTest: row.last_test_at
      ? { ok: row.last_test_ok === 1, code: row.last_test_code, at: row.last_test_at }
      : null,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The folded text one LIKE searches (see `search_text`). */
export function searchText(
  row: Pick<SmtpServerTable, "title" | "host" | "mail" | "username" | "sender_name">,
): string {
  return foldForSearch([row.title, row.host, row.mail, row.username, row.sender_name].join("\u0001"));
}

export function warningsFor(
  view: Pick<SmtpServerView, "port" | "security" | "authentication">,
): PortWarning[] {
  return portSecurityWarnings("smtp", view.port, view.security, view.authentication !== "none");
}
