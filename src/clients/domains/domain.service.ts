import type { Selectable } from "kysely";
import type { z } from "zod";
import type { AppContext } from "../../app/context.js";
import { FacteurError } from "../../domain/errors.js";
import { zodIssuesToFieldIssues } from "../../domain/field-issues.js";
import {
  DEFAULT_PORTS,
  portSecurityWarnings,
  type AuthMethod,
  type MailProtocol,
  type SecurityMode,
} from "../../domain/ports.js";
import {
  rankServers,
  usernameTemplate,
  type MailSettings,
  type ServerSettings,
  type UsernameForm,
} from "../model.js";
import {
  deleteDomainRow,
  findDomainRows,
  insertDomainRow,
  listDomainRows,
  replaceServerRows,
  updateDomainRow,
  type DomainRows,
  type ServerRowInput,
} from "./domain.repository.js";
import {
  createDomainSchema,
  incomingServerSchema,
  outgoingServerSchema,
  updateDomainSchema,
  type DomainServerView,
  type MailDomainView,
} from "./domain.schema.js";
import type { MailDomainServerTable } from "./domain.table.js";

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new FacteurError("VALIDATION_FAILED", { details: zodIssuesToFieldIssues(result.error.issues) });
  }
  return result.data;
}

type ServerInput = z.output<typeof incomingServerSchema> | z.output<typeof outgoingServerSchema>;

function toRows(direction: "incoming" | "outgoing", servers: ServerInput[]): ServerRowInput[] {
  return servers.map((s, position) => ({
    direction,
    protocol: s.protocol,
    host: s.host,
    port: s.port ?? DEFAULT_PORTS[s.protocol][s.security],
    security: s.security,
    authentication: s.authentication,
    username_form: s.usernameForm,
    username_template: s.usernameForm === "custom" ? (s.usernameTemplate ?? null) : null,
    registry_server_id: "registryServerId" in s ? (s.registryServerId ?? null) : null,
    position,
  }));
}

function serverView(row: Selectable<MailDomainServerTable>): DomainServerView {
  const protocol = row.protocol as MailProtocol;
  const security = row.security as SecurityMode;
  const authentication = row.authentication as AuthMethod;
  return {
    protocol,
    host: row.host,
    port: row.port,
    security,
    authentication,
    usernameForm: row.username_form as UsernameForm,
    usernameTemplate: usernameTemplate(row.username_form as UsernameForm, row.username_template),
    registryServerId: row.registry_server_id,
    warnings: portSecurityWarnings(protocol, row.port, security, authentication !== "none"),
  };
}

function toView({ domain, servers }: DomainRows): MailDomainView {
  return {
    id: domain.id,
    name: domain.name,
    displayName: domain.display_name,
    incoming: servers.filter((s) => s.direction === "incoming").map(serverView),
    outgoing: servers.filter((s) => s.direction === "outgoing").map(serverView),
    version: domain.version,
    createdAt: domain.created_at,
    updatedAt: domain.updated_at,
  };
}

/** The client-facing settings of a stored domain, best server first. */
export function settingsOfDomain(view: MailDomainView): MailSettings {
  const strip = (s: DomainServerView): ServerSettings => ({
    protocol: s.protocol,
    host: s.host,
    port: s.port,
    security: s.security,
    authentication: s.authentication,
    username: s.usernameTemplate,
  });
  return {
    domain: view.name,
    displayName: view.displayName,
    // The admin's order is kept among equals; implicit TLS still goes first (RFC 8314).
    incoming: rankServers(view.incoming.map(strip)),
    outgoing: rankServers(view.outgoing.map(strip)),
  };
}

export async function listDomains(ctx: AppContext): Promise<MailDomainView[]> {
  return (await listDomainRows(ctx.db)).map(toView);
}

export async function getDomain(ctx: AppContext, id: number): Promise<MailDomainView> {
  const rows = await findDomainRows(ctx.db, { id });
  if (!rows) throw new FacteurError("MAIL_DOMAIN_NOT_FOUND", { meta: { id } });
  return toView(rows);
}

/** The stored domain of that name, or null; `name` must already be ASCII lower case. */
export async function findDomainByName(ctx: AppContext, name: string): Promise<MailDomainView | null> {
  const rows = await findDomainRows(ctx.db, { name: name.toLowerCase() });
  return rows ? toView(rows) : null;
}

async function assertNameFree(ctx: AppContext, name: string, exceptId?: number): Promise<void> {
  const existing = await findDomainRows(ctx.db, { name });
  if (existing && existing.domain.id !== exceptId)
    throw new FacteurError("MAIL_DOMAIN_TAKEN", { meta: { name } });
}

export async function createDomain(ctx: AppContext, input: unknown): Promise<MailDomainView> {
  const data = parse(createDomainSchema, input);
  await assertNameFree(ctx, data.name);
  const now = ctx.now().toISOString();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const newId = await insertDomainRow(trx, {
      name: data.name,
      display_name: data.displayName ?? data.name,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    await replaceServerRows(trx, newId, "incoming", toRows("incoming", data.incoming));
    await replaceServerRows(trx, newId, "outgoing", toRows("outgoing", data.outgoing));
    return newId;
  });
  return getDomain(ctx, id);
}

export async function updateDomain(ctx: AppContext, id: number, input: unknown): Promise<MailDomainView> {
  const data = parse(updateDomainSchema, input);
  await getDomain(ctx, id);
  if (data.name) await assertNameFree(ctx, data.name, id);
  await ctx.db.transaction().execute(async (trx) => {
    const updated = await updateDomainRow(trx, id, data.version, {
      updated_at: ctx.now().toISOString(),
      ...(data.name ? { name: data.name } : {}),
      ...(data.displayName ? { display_name: data.displayName } : {}),
    });
    if (!updated) throw new FacteurError("MAIL_DOMAIN_VERSION_CONFLICT", { meta: { id } });
    if (data.incoming) await replaceServerRows(trx, id, "incoming", toRows("incoming", data.incoming));
    if (data.outgoing) await replaceServerRows(trx, id, "outgoing", toRows("outgoing", data.outgoing));
  });
  return getDomain(ctx, id);
}

export async function deleteDomain(ctx: AppContext, id: number): Promise<void> {
  const deleted = await ctx.db.transaction().execute((trx) => deleteDomainRow(trx, id));
  if (!deleted) throw new FacteurError("MAIL_DOMAIN_NOT_FOUND", { meta: { id } });
}
