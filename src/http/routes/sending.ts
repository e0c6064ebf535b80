import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { FacteurError } from "../../domain/errors.js";
import {
  findHeaderInjection,
  MESSAGE_BODY_LIMIT_BYTES,
  sendMessageSchema,
} from "../../sending/message.schema.js";
import {
  ALL_MESSAGES,
  getMessage,
  listMessages,
  listMessagesQuerySchema,
  messageDetailSchema,
  serverStatsSchema,
  serverStats,
  type MessageViewer,
} from "../../sending/message-view.service.js";
import { enqueueMessage, type Submitter } from "../../sending/outbox.service.js";
import { MESSAGE_STATUSES } from "../../sending/outbox.table.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { idParams } from "../../domain/id.js";
import { messagePageSchema } from "../responses.js";

/** A key without the admin scope follows only the messages it queued; admins (session or key) see all. */
function viewerOf(principal: FastifyRequest["principal"]): MessageViewer {
  if (principal?.kind === "apiKey" && !principal.scopes.includes("admin"))
    return { kind: "apiKey", apiKeyId: principal.apiKeyId };
  return ALL_MESSAGES;
}

const acceptedSchema = z.object({ id: z.number(), status: z.enum(MESSAGE_STATUSES), duplicate: z.boolean() });

/** Sending API: queue a message (202 once committed), follow it, list messages, per-server counters. */
export default async function sendingRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  app.post(
    "/api/v1/messages",
    {
      // Attachments travel in base64 inside JSON: only this route accepts bodies that large.
      bodyLimit: MESSAGE_BODY_LIMIT_BYTES,
      // enqueueMessage re-reads the API key in the batch that inserts the message (see Submitter).
      config: { access: "send", apiKeyRecheckedInCommit: true },
      schema: {
        tags: ["messages"],
        summary:
          "Queue a message; answers 202 once it is committed to the outbox (Idempotency-Key supported)",
        body: sendMessageSchema,
        headers: z.object({ "idempotency-key": z.string().max(200).optional() }).passthrough(),
        response: { 202: acceptedSchema },
      },
      // CR/LF in a header field is refused as header injection before the schema trims anything away.
      preValidation: async (request) => {
        const issues = findHeaderInjection(request.body);
        if (issues.length > 0) throw new FacteurError("MESSAGE_HEADER_INJECTION", { details: issues });
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      const submitter: Submitter =
        principal?.kind === "apiKey" ? { kind: "apiKey", apiKeyId: principal.apiKeyId } : { kind: "admin" };
      const header = request.headers["idempotency-key"];
      const result = await enqueueMessage(
        ctx,
        request.body,
        submitter,
        typeof header === "string" ? header : undefined,
      );
      return reply.status(202).header("location", `/api/v1/messages/${result.id}`).send(result);
    },
  );

  app.get(
    "/api/v1/messages",
    {
      config: { access: "send" },
      schema: {
        tags: ["messages"],
        summary:
          "List messages: search by recipient, status, server, department; newest first (a key without the admin scope: its own only)",
        querystring: listMessagesQuerySchema.extend({ lang: z.enum(["fr", "en"]).optional() }),
        response: { 200: messagePageSchema },
      },
    },
    async (request) => {
      const { lang: _lang, ...query } = request.query;
      return listMessages(ctx, query, viewerOf(request.principal));
    },
  );

  app.get(
    "/api/v1/messages/:id",
    {
      config: { access: "send" },
      schema: {
        tags: ["messages"],
        summary:
          "A message's status and its attempts with the SMTP replies (another key's message: 404 for a key without the admin scope)",
        params: idParams,
        response: { 200: messageDetailSchema },
      },
    },
    async (request) => getMessage(ctx, request.params.id, viewerOf(request.principal)),
  );

  app.get(
    "/api/v1/servers/stats",
    {
      config: { access: "read" },
      schema: {
        tags: ["servers", "messages"],
        summary: "Per-server counters: sent, failed tries, last error",
        response: { 200: z.object({ items: z.array(serverStatsSchema) }) },
      },
    },
    async () => ({ items: await serverStats(ctx) }),
  );
}
