import type { AppContext } from "../../../src/app/context.js";
import { createDepartment } from "../../../src/registry/department.service.js";
import { createServer } from "../../../src/registry/server.service.js";

/** A tiny 1×1 PNG: enough for the signature logo. */
export const LOGO_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

export interface ServerFixture {
  port: number;
  title?: string;
  priority?: number;
  departmentIds?: number[];
  confirmed?: boolean;
  signatureHtml?: string;
  logo?: boolean;
  mail?: string;
}

/** Registers a plain-SMTP server on 127.0.0.1 (confirmed unless told otherwise) and returns its id. */
export async function addServer(ctx: AppContext, fixture: ServerFixture): Promise<number> {
  const { server } = await createServer(ctx, {
    title: fixture.title ?? `Sink ${fixture.port}`,
    host: "127.0.0.1",
    port: fixture.port,
    authentication: "none",
    security: "none",
    mail: fixture.mail ?? "expediteur@exemple.fr",
    senderName: "Exemple SARL",
    username: "expediteur",
    usage: fixture.departmentIds ? { mode: "custom", departmentIds: fixture.departmentIds } : { mode: "all" },
    signatureHtml: fixture.signatureHtml ?? "<p><b>Exemple SARL</b> — 01 23 45 67 89</p>",
    logo: fixture.logo ? { mimeType: "image/png", data: LOGO_PNG_BASE64 } : null,
    priority: fixture.priority ?? 100,
  } as never);
  if (fixture.confirmed !== false) {
    await ctx.db
      .updateTable("smtp_servers")
      .set({ confirmed_at: ctx.now().toISOString(), confirmed_ip: "127.0.0.1" })
      .where("id", "=", server.id)
      .execute();
  }
  return server.id;
}

/** The id of a department, created unless it exists already (default departments may be seeded). */
export async function addDepartment(ctx: AppContext, name: string): Promise<number> {
  const existing = await ctx.db
    .selectFrom("departments")
    .select("id")
    .where("name_key", "=", name.toLowerCase())
    .executeTakeFirst();
  return existing?.id ?? (await createDepartment(ctx, name)).id;
}
