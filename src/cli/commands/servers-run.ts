import { readFileSync } from "node:fs";
import type { AppContext } from "../../app/context.js";
import { FacteurError } from "../../domain/errors.js";
import { changedBoundFields } from "../../domain/secret-binding.js";
import {
  createServerSchema,
  listServersQuerySchema,
  SERVER_COLUMNS,
  updateServerSchema,
  type SmtpServerView,
} from "../../domain/smtp-server.js";
import { parseOrThrow } from "../../domain/validation.js";
import { cellValue, COLUMN_LABELS } from "../../export/labels.js";
import {
  createDepartment,
  deleteDepartment,
  listDepartments as listAllDepartments,
  renameDepartment as renameOneDepartment,
} from "../../registry/department.service.js";
import {
  createServer,
  deleteServer,
  getServer,
  listServers,
  updateServer,
} from "../../registry/server.service.js";
import { t } from "../messages.js";
import { cliLang, printTable, readSecret, withContext } from "../runtime.js";
import { integer } from "./servers.js";

export interface ServerOptions {
  title?: string;
  host?: string;
  port?: number;
  auth?: string;
  security?: string;
  mail?: string;
  senderName?: string;
  username?: string;
  passwordStdin?: boolean;
  usage?: string;
  departments?: string;
  signatureFile?: string;
  priority?: number;
  json?: boolean;
  version?: number;
}

export interface ListOptions {
  search?: string;
  sort: string;
  order: string;
  page: string;
  pageSize: string;
  json?: boolean;
}

/** The row as the admin page shows it (same human values as the exports). */
function row(server: SmtpServerView, lang: "fr" | "en"): Record<string, unknown> {
  return Object.fromEntries(SERVER_COLUMNS.map((column) => [column, cellValue(server, column, lang)]));
}

/** Resolves department names or ids given on the command line to ids. */
async function departmentIds(ctx: AppContext, list: string): Promise<number[]> {
  const all = await listAllDepartments(ctx);
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const found = all.find((d) => String(d.id) === item || d.name.toLowerCase() === item.toLowerCase());
      if (!found) throw new FacteurError("DEPARTMENT_NOT_FOUND", { meta: { item } });
      return found.id;
    });
}

async function bodyFrom(
  ctx: AppContext,
  options: ServerOptions,
  needPassword: boolean,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (options.title !== undefined) body.title = options.title;
  if (options.host !== undefined) body.host = options.host;
  if (options.port !== undefined) body.port = options.port;
  if (options.auth !== undefined) body.authentication = options.auth;
  if (options.security !== undefined) body.security = options.security;
  if (options.mail !== undefined) body.mail = options.mail;
  if (options.senderName !== undefined) body.senderName = options.senderName;
  if (options.username !== undefined) body.username = options.username;
  if (options.priority !== undefined) body.priority = options.priority;
  if (options.signatureFile) body.signatureHtml = readFileSync(options.signatureFile, "utf8");
  if (options.usage === "custom" || options.departments) {
    body.usage = { mode: "custom", departmentIds: await departmentIds(ctx, options.departments ?? "") };
  } else if (options.usage === "all") {
    body.usage = { mode: "all" };
  }
  if (options.passwordStdin || needPassword)
    body.password = await readSecret("Mot de passe SMTP / SMTP password: ");
  return body;
}

function printSaved(
  saved: { server: SmtpServerView; warnings: Array<{ fr: string; en: string }> },
  json: boolean | undefined,
): void {
  const lang = cliLang();
  if (json) {
    console.log(JSON.stringify(saved, null, 2));
    return;
  }
  console.log(t("servers.saved", { id: saved.server.id, version: saved.server.version }, lang));
  for (const w of saved.warnings) console.log(`  ! ${w[lang]}`);
}

export async function list(options: ListOptions): Promise<void> {
  const query = parseOrThrow(listServersQuerySchema, {
    ...(options.search ? { q: options.search } : {}),
    sort: options.sort,
    order: options.order,
    page: options.page,
    pageSize: options.pageSize,
  });
  await withContext(async (ctx) => {
    const page = await listServers(ctx, query);
    if (options.json) return console.log(JSON.stringify(page, null, 2));
    const lang = cliLang();
    printTable(
      page.items.map((s) => row(s, lang)),
      SERVER_COLUMNS.map((key) => ({ key, label: COLUMN_LABELS[lang][key] })),
    );
    console.log(t("servers.page", { count: page.items.length, total: page.total, page: page.page }, lang));
  });
}

export async function show(id: string, options: { json?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const server = await getServer(ctx, integer(id));
    if (options.json) return console.log(JSON.stringify(server, null, 2));
    const lang = cliLang();
    for (const key of SERVER_COLUMNS)
      console.log(`${COLUMN_LABELS[lang][key].padEnd(18)} ${String(row(server, lang)[key])}`);
    const password = server.hasPassword ? t("servers.passwordStored", {}, lang) : "-";
    console.log(`${t("servers.password", {}, lang).padEnd(18)} ${password}`);
    console.log(`${"Version".padEnd(18)} ${server.version}`);
  });
}

export async function add(options: ServerOptions): Promise<void> {
  await withContext(async (ctx) => {
    const body = await bodyFrom(ctx, options, options.auth !== "none");
    const saved = await createServer(ctx, parseOrThrow(createServerSchema, body));
    printSaved(saved, options.json);
  });
}

export async function update(id: string, options: ServerOptions & { expectVersion?: number }): Promise<void> {
  await withContext(async (ctx) => {
    const current = await getServer(ctx, integer(id));
    // The stored password is bound to these settings (src/domain/secret-binding.ts): changing one needs
    // it again. At a terminal it is asked for; in a script, --password-stdin gives it (else: refused).
    const moved = changedBoundFields(current, {
      host: options.host,
      port: options.port,
      security: options.security,
      authentication: options.auth,
      username: options.username,
    });
    const ask =
      moved.length > 0 && (options.auth ?? current.authentication) !== "none" && process.stdin.isTTY === true;
    const body = {
      ...(await bodyFrom(ctx, options, ask)),
      version: options.expectVersion ?? current.version,
    };
    const saved = await updateServer(ctx, current.id, parseOrThrow(updateServerSchema, body));
    printSaved(saved, options.json);
  });
}

export async function remove(id: string): Promise<void> {
  await withContext(async (ctx) => {
    await deleteServer(ctx, integer(id));
    console.log(t("servers.deleted", { id }));
  });
}

export async function listDepartments(options: { json?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const items = await listAllDepartments(ctx);
    if (options.json) return console.log(JSON.stringify(items, null, 2));
    printTable(items as unknown as Array<Record<string, unknown>>, [
      { key: "id", label: "ID" },
      { key: "name", label: t("departments.name") },
      { key: "serverCount", label: t("departments.servers") },
    ]);
  });
}

export async function addDepartment(name: string): Promise<void> {
  await withContext(async (ctx) => {
    const d = await createDepartment(ctx, name); // the service checks, then trims
    console.log(`#${d.id} ${d.name}`);
  });
}

export async function renameDepartment(id: string, name: string): Promise<void> {
  await withContext(async (ctx) => {
    const d = await renameOneDepartment(ctx, integer(id), name);
    console.log(`#${d.id} ${d.name}`);
  });
}

export async function removeDepartment(id: string): Promise<void> {
  await withContext(async (ctx) => {
    await deleteDepartment(ctx, integer(id));
    console.log(t("departments.deleted"));
  });
}
