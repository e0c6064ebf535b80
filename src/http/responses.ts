import { z } from "zod";
import { AUTOMATIC_KINDS } from "../clients/guides/catalog.js";
import { probeResultSchema } from "../diagnostics/result.schema.js";
import { serverViewSchema } from "../domain/smtp-server.js";
import { messageViewSchema } from "../sending/message-view.service.js";

/**
 * Response schemas of the JSON API that were written inline in the routes, declared once: the routes use them
 * for serialization and OpenAPI, the admin UI (web/src/api) infers its types from them with type-only imports,
 * so nothing of the server is bundled and a renamed field breaks the UI's typecheck instead of the page.
 */

/** One page of a searchable list (`?page=&pageSize=`). */
export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), total: z.number(), page: z.number(), pageSize: z.number() });
}

/** A port/security remark attached to a saved server, in both languages. */
export const portWarningSchema = z.object({ code: z.string(), fr: z.string(), en: z.string() });

/** `GET /api/v1/servers`. */
export const serverPageSchema = pageSchema(serverViewSchema);

/** `POST /api/v1/servers`, `PATCH /api/v1/servers/:id`: the stored server and what to double-check. */
export const savedServerSchema = z.object({ server: serverViewSchema, warnings: z.array(portWarningSchema) });

/** A department with how many servers name it. */
export const departmentViewSchema = z.object({
  id: z.number(),
  name: z.string(),
  serverCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** `GET /api/v1/departments`. */
export const departmentListSchema = z.object({ items: z.array(departmentViewSchema) });

/** `GET /api/v1/messages`. */
export const messagePageSchema = pageSchema(messageViewSchema);

/** `GET /api/v1/servers/:id/test`: the last stored test result, null when never tested. */
export const lastTestResultSchema = z.object({ result: probeResultSchema.nullable() });

/** `POST /api/v1/servers/:id/confirmation`: where the confirmation mail went and until when its link works. */
export const confirmationSentSchema = z.object({
  serverId: z.number(),
  sentTo: z.string(),
  sentAt: z.string(),
  expiresAt: z.string(),
  notice: z.object({ fr: z.string(), en: z.string() }),
});

/** `GET /api/v1/clients/guides`: the mail clients that have a guide, in the order shown to people. */
export const guideListSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      platform: z.object({ fr: z.string(), en: z.string() }),
      automatic: z.enum(AUTOMATIC_KINDS).nullable(),
      legacy: z.boolean(),
    }),
  ),
});

/** `GET|PUT /api/v1/preferences/:key`: a per-admin UI preference (`null` when never set). */
export const preferenceSchema = z.object({ key: z.string(), value: z.unknown() });
