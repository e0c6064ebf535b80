import type { Updateable } from "kysely";
import type { AppContext } from "../app/context.js";
import { FacteurError, type FieldIssue } from "../domain/errors.js";
import type { PortWarning } from "../domain/ports.js";
import { changedBoundFields, passwordReentryText, PASSWORD_REENTRY_CODE } from "../domain/secret-binding.js";
import type { CreateServerInput, SmtpServerView, UpdateServerInput } from "../domain/smtp-server.js";
import { assertSingleLineFields } from "../domain/text.js";
import { openServerPassword, sealServerPassword } from "../secrets/server-password.js";
import type { Db } from "../store/db.js";
import type { SmtpServerTable } from "../store/schema.js";
import { selectExistingDepartmentIds } from "./department.repository.js";
import {
  deleteServerRow,
  insertServer,
  replaceUsage,
  selectServer,
  selectServerLogo,
  selectUsage,
  setServerPassword,
  updateServerAtVersion,
} from "./server.repository.js";
import { searchText, toView, warningsFor } from "./server-view.js";
import { sanitizeSignature } from "./signature.js";

export { iterateServers, listServers, type ServerPage } from "./server-list.js";

/** Fields whose change invalidates a confirmation: the mail must prove the new settings work. */
const CONFIRMATION_SENSITIVE = ["host", "port", "security", "username", "password", "mail"] as const;

export interface SavedServer {
  server: SmtpServerView;
  warnings: PortWarning[];
}

async function assertDepartmentsExist(db: Db, ids: number[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await selectExistingDepartmentIds(db, unique);
  const missing = unique.filter((id) => !found.has(id));
  if (missing.length > 0) {
    const details: FieldIssue[] = [
      {
        path: "usage.departmentIds",
        code: "DEPARTMENT_NOT_FOUND",
        fr: `Service(s) inconnu(s) : ${missing.join(", ")}.`,
        en: `Unknown department(s): ${missing.join(", ")}.`,
      },
    ];
    throw new FacteurError("VALIDATION_FAILED", { details });
  }
}

async function loadView(db: Db, id: number): Promise<SmtpServerView> {
  const row = await selectServer(db, id);
  if (!row) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
  const usage = await selectUsage(db, [id]);
  return toView(row, usage.get(id) ?? []);
}

export async function getServer(ctx: AppContext, id: number): Promise<SmtpServerView> {
  return loadView(ctx.db, id);
}

/** The server plus its decrypted password and logo: for sending and diagnostics only, never for output. */
export async function getServerWithSecret(
  ctx: AppContext,
  id: number,
): Promise<{
  server: SmtpServerView;
  password: string | null;
  logo: { mimeType: string; data: Buffer } | null;
}> {
  const row = await selectServer(ctx.db, id);
  if (!row) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
  const usage = await selectUsage(ctx.db, [id]);
  return {
    server: toView(row, usage.get(id) ?? []),
    // Bound to the row's endpoint: a moved record answers SERVER_PASSWORD_REENTRY_REQUIRED, never a password.
    password: row.password_enc ? openServerPassword(ctx.keyring, row, row.password_enc) : null,
    logo:
      row.logo_base64 && row.logo_mime
        ? { mimeType: row.logo_mime, data: Buffer.from(row.logo_base64, "base64") }
        : null,
  };
}

export async function getServerLogo(
  ctx: AppContext,
  id: number,
): Promise<{ mimeType: string; data: Buffer } | null> {
  const row = await selectServerLogo(ctx.db, id);
  if (!row) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
  return row.logo_base64 && row.logo_mime
    ? { mimeType: row.logo_mime, data: Buffer.from(row.logo_base64, "base64") }
    : null;
}

/** The person-typed one-line fields, checked here too (not only by the route or CLI schema). */
function assertServerText(input: Partial<CreateServerInput>): void {
  assertSingleLineFields({
    title: input.title,
    host: input.host,
    mail: input.mail,
    senderName: input.senderName,
    username: input.username,
    password: input.password,
  });
}

export async function createServer(ctx: AppContext, input: CreateServerInput): Promise<SavedServer> {
  assertServerText(input);
  const now = ctx.now().toISOString();
  const id = await ctx.db.transaction().execute(async (trx) => {
    if (input.usage.mode === "custom") await assertDepartmentsExist(trx, input.usage.departmentIds);
    const values = {
      title: input.title,
      host: input.host,
      port: input.port,
      authentication: input.authentication,
      security: input.security,
      mail: input.mail,
      sender_name: input.senderName,
      username: input.username,
      password_enc: null, // sealed below: its associated data needs the new row's id
      usage_mode: input.usage.mode,
      signature_html: sanitizeSignature(input.signatureHtml),
      logo_mime: input.logo?.mimeType ?? null,
      logo_base64: input.logo?.data ?? null,
      priority: input.priority,
      search_text: searchText({
        title: input.title,
        host: input.host,
        mail: input.mail,
        username: input.username,
        sender_name: input.senderName,
      }),
      version: 1,
      created_at: now,
      updated_at: now,
    };
    const serverId = await insertServer(trx, values);
    if (input.password) {
      const sealed = sealServerPassword(ctx.keyring, { ...values, id: serverId }, input.password);
      await setServerPassword(trx, serverId, sealed);
    }
    if (input.usage.mode === "custom") await replaceUsage(trx, serverId, input.usage.departmentIds);
    return serverId;
  });
  const server = await getServer(ctx, id);
  ctx.logger.info({ serverId: id, host: server.host }, "smtp server created");
  return { server, warnings: warningsFor(server) };
}

/**
 * Applies a partial update if `input.version` is still the stored version (optimistic concurrency):
 * two admins editing the same server never silently overwrite each other.
 */
export async function updateServer(
  ctx: AppContext,
  id: number,
  input: UpdateServerInput,
): Promise<SavedServer> {
  assertServerText(input);
  await ctx.db.transaction().execute(async (trx) => {
    const current = await selectServer(trx, id);
    if (!current) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
    if (current.version !== input.version) {
      throw new FacteurError("VERSION_CONFLICT", {
        meta: { id, expected: input.version, current: current.version },
      });
    }
    const authentication = input.authentication ?? current.authentication;
    const set: Updateable<SmtpServerTable> = {};
    if (input.title !== undefined) set.title = input.title;
    if (input.host !== undefined) set.host = input.host;
    if (input.port !== undefined) set.port = input.port;
    if (input.authentication !== undefined) set.authentication = input.authentication;
    if (input.security !== undefined) set.security = input.security;
    if (input.mail !== undefined) set.mail = input.mail;
    if (input.senderName !== undefined) set.sender_name = input.senderName;
    if (input.username !== undefined) set.username = input.username;
    // The stored password is bound to host, port, security, authentication and username: changing one needs
    // the password again (refused when authentication needs one, dropped otherwise) — never re-sealed as is.
    const moved = changedBoundFields(current, input);
    if (input.password !== undefined) {
      const binding = { ...current, ...set, id };
      set.password_enc = sealServerPassword(ctx.keyring, binding, input.password);
    } else if (moved.length > 0 && current.password_enc !== null) {
      if (authentication !== "none") {
        const text = passwordReentryText(moved);
        throw new FacteurError("VALIDATION_FAILED", {
          details: [{ path: "password", code: PASSWORD_REENTRY_CODE, ...text }],
        });
      }
      set.password_enc = null;
    }
    if (authentication === "none" && input.authentication === "none") set.password_enc = null;
    if (authentication !== "none" && current.password_enc === null && input.password === undefined) {
      throw new FacteurError("VALIDATION_FAILED", {
        details: [
          {
            path: "password",
            code: "PASSWORD_REQUIRED",
            fr: "Le mot de passe est obligatoire quand le serveur demande une authentification.",
            en: "A password is required when the server needs authentication.",
          },
        ],
      });
    }
    if (input.signatureHtml !== undefined) set.signature_html = sanitizeSignature(input.signatureHtml);
    if (input.logo !== undefined) {
      set.logo_mime = input.logo?.mimeType ?? null;
      set.logo_base64 = input.logo?.data ?? null;
    }
    if (input.priority !== undefined) set.priority = input.priority;
    if (input.usage !== undefined) {
      set.usage_mode = input.usage.mode;
      if (input.usage.mode === "custom") await assertDepartmentsExist(trx, input.usage.departmentIds);
      await replaceUsage(trx, id, input.usage.mode === "custom" ? input.usage.departmentIds : []);
    }
    const changedSensitive = CONFIRMATION_SENSITIVE.some((field) => {
      if (field === "password") return input.password !== undefined;
      const next = input[field];
      const stored = current[field];
      return next !== undefined && next !== stored;
    });
    if (changedSensitive) {
      set.confirmed_at = null;
      set.confirmed_ip = null;
      set.confirmation_sent_at = null;
    }
    const merged = { ...current, ...set };
    set.search_text = searchText(merged);
    set.version = current.version + 1;
    set.updated_at = ctx.now().toISOString();
    if (!(await updateServerAtVersion(trx, id, input.version, set))) {
      throw new FacteurError("VERSION_CONFLICT", { meta: { id, expected: input.version } });
    }
  });
  const server = await getServer(ctx, id);
  ctx.logger.info({ serverId: id, version: server.version }, "smtp server updated");
  return { server, warnings: warningsFor(server) };
}

export async function deleteServer(ctx: AppContext, id: number): Promise<void> {
  if (!(await deleteServerRow(ctx.db, id))) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
  ctx.logger.info({ serverId: id }, "smtp server deleted");
}
