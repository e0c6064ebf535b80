import type { AppContext } from "../app/context.js";
import { FacteurError, type FieldIssue } from "../domain/errors.js";
import {
  portSecurityWarnings,
  type AuthMethod,
  type PortWarning,
  type SecurityMode,
} from "../domain/ports.js";
import {
  type CreateServerInput,
  type ListServersQuery,
  type SmtpServerView,
  type UpdateServerInput,
  type ConfirmationState,
} from "../domain/smtp-server.js";
import type { Updateable } from "kysely";
import type { SmtpServerTable } from "../store/schema.js";
import {
  countServers,
  countServersByTrigram,
  selectServerBatchAfter,
  selectServerPageByTrigram,
  trigramPattern,
  replaceUsage,
  selectServer,
  selectServerPage,
  selectUsage,
  type Db,
  type ServerFilter,
  type ServerRow,
} from "./server.repository.js";
import { foldForSearch } from "./search-text.js";
import { sanitizeSignature } from "./signature.js";
import { openServerPassword, sealServerPassword } from "../secrets/server-password.js";
import { changedBoundFields, passwordReentryText, PASSWORD_REENTRY_CODE } from "../domain/secret-binding.js";
import { assertSingleLineFields } from "../domain/text.js";

/** Fields whose change invalidates a confirmation: the mail must prove the new settings work. */
const CONFIRMATION_SENSITIVE = ["host", "port", "security", "username", "password", "mail"] as const;

export interface SavedServer {
  server: SmtpServerView;
  warnings: PortWarning[];
}

export interface ServerPage {
  items: SmtpServerView[];
  total: number;
  page: number;
  pageSize: number;
}

function confirmationState(row: ServerRow): ConfirmationState {
  if (row.confirmed_at) return "confirmed";
  return row.confirmation_sent_at ? "pending" : "never_sent";
}

function toView(row: ServerRow, usage: Array<{ id: number; name: string }>): SmtpServerView {
  return {
    id: row.id,
    title: row.title,
    host: row.host,
    port: row.port,
    authentication: row.authentication as AuthMethod,
    security: row.security as SecurityMode,
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

function searchText(
  row: Pick<SmtpServerTable, "title" | "host" | "mail" | "username" | "sender_name">,
): string {
  return foldForSearch([row.title, row.host, row.mail, row.username, row.sender_name].join("\u0001"));
}

async function assertDepartmentsExist(db: Db, ids: number[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await db.selectFrom("departments").select("id").where("id", "in", unique).execute();
  const missing = unique.filter((id) => !found.some((f) => f.id === id));
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

function warningsFor(view: Pick<SmtpServerView, "port" | "security" | "authentication">): PortWarning[] {
  return portSecurityWarnings("smtp", view.port, view.security, view.authentication !== "none");
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
  const row = await ctx.db
    .selectFrom("smtp_servers")
    .select(["logo_mime", "logo_base64"])
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
  return row.logo_base64 && row.logo_mime
    ? { mimeType: row.logo_mime, data: Buffer.from(row.logo_base64, "base64") }
    : null;
}

/**
 * Past this many matches, a search page sorted by id walks the id order and tests each row: matches are
 * common and spread along ids, so 50 come quickly. Below it the page takes the ids from the trigram index.
 * Other sorts always take the ids from the index: the other sortable columns (title, host, mail…) are part
 * of the searched text, so their matches cluster in that order and a walk could read most of the table
 * first. Measured in docs/BENCHMARKS.md (bench/registry).
 */
const TRIGRAM_PAGE_MAX_MATCHES = 2_000;

export async function listServers(ctx: AppContext, query: ListServersQuery): Promise<ServerPage> {
  const offset = (query.page - 1) * query.pageSize;
  const pattern = ctx.dialect === "sqlite" ? trigramPattern(query.q) : null;
  let filter: ServerFilter = { q: query.q };
  let total: number;
  let rows: ServerRow[];
  if (pattern && query.sort !== "id") {
    // SQLite search sorted by a text column: one pass over the trigram index gives the page and the count.
    ({ rows, total } = await selectServerPageByTrigram(
      ctx.db,
      pattern,
      query.sort,
      query.order,
      offset,
      query.pageSize,
    ));
  } else if (pattern) {
    // SQLite search by id: count from the trigram index, then pick the cheaper way to build the page.
    total = await countServersByTrigram(ctx.db, pattern);
    filter = { q: query.q, useTrigramIndex: total <= TRIGRAM_PAGE_MAX_MATCHES };
    rows =
      total === 0
        ? []
        : await selectServerPage(ctx.db, filter, query.sort, query.order, offset, query.pageSize);
  } else {
    // PostgreSQL uses its pg_trgm GIN index for the same LIKE by itself.
    [total, rows] = await Promise.all([
      countServers(ctx.db, filter),
      selectServerPage(ctx.db, filter, query.sort, query.order, offset, query.pageSize),
    ]);
  }
  const usage = await selectUsage(
    ctx.db,
    rows.filter((r) => r.usage_mode === "custom").map((r) => r.id),
  );
  return {
    items: rows.map((r) => toView(r, usage.get(r.id) ?? [])),
    total,
    page: query.page,
    pageSize: query.pageSize,
  };
}

/**
 * Streams every server matching a filter in table order, in batches: exports of 100,000 rows never hold
 * more than one batch in memory.
 */
export async function* iterateServers(
  ctx: AppContext,
  query: Pick<ListServersQuery, "q" | "sort" | "order">,
  batchSize = 1_000,
): AsyncGenerator<SmtpServerView> {
  const sort = query.sort;
  let last: ServerRow | null = null;
  for (let offset = 0; ; offset += batchSize) {
    const rows: ServerRow[] =
      sort === "confirmation"
        ? await selectServerPage(ctx.db, { q: query.q }, sort, query.order, offset, batchSize)
        : await selectServerBatchAfter(ctx.db, { q: query.q }, sort, query.order, last, batchSize);
    last = rows.at(-1) ?? null;
    const usage = await selectUsage(
      ctx.db,
      rows.filter((r) => r.usage_mode === "custom").map((r) => r.id),
    );
    for (const row of rows) yield toView(row, usage.get(row.id) ?? []);
    if (rows.length < batchSize) return;
  }
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
    const row = await trx.insertInto("smtp_servers").values(values).returning("id").executeTakeFirstOrThrow();
    if (input.password) {
      const sealed = sealServerPassword(ctx.keyring, { ...values, id: row.id }, input.password);
      await trx.updateTable("smtp_servers").set({ password_enc: sealed }).where("id", "=", row.id).execute();
    }
    if (input.usage.mode === "custom") await replaceUsage(trx, row.id, input.usage.departmentIds);
    return row.id;
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
    const result = await trx
      .updateTable("smtp_servers")
      .set(set)
      .where("id", "=", id)
      .where("version", "=", input.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new FacteurError("VERSION_CONFLICT", { meta: { id, expected: input.version } });
    }
  });
  const server = await getServer(ctx, id);
  ctx.logger.info({ serverId: id, version: server.version }, "smtp server updated");
  return { server, warnings: warningsFor(server) };
}

export async function deleteServer(ctx: AppContext, id: number): Promise<void> {
  const result = await ctx.db.deleteFrom("smtp_servers").where("id", "=", id).executeTakeFirst();
  if (Number(result.numDeletedRows) !== 1) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id } });
  ctx.logger.info({ serverId: id }, "smtp server deleted");
}
