import { z } from "zod";
import {
  BULK_CONCURRENCY_MAX,
  BULK_MAX_SERVERS,
  bulkEventsAfter,
  getBulkRun,
  startBulkRun,
} from "../../diagnostics/bulk.service.js";
import { lastServerResult, testSettings, testStoredServer } from "../../diagnostics/diagnostics.service.js";
import {
  adHocTestSchema,
  bulkRunSchema,
  probeResultSchema,
  storedServerTestSchema,
} from "../../diagnostics/result.schema.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { cursorParamSchema, ID_MAX, idParams, idSchema } from "../../domain/id.js";
import { lastTestResultSchema } from "../responses.js";

/** How often the event stream looks for finished items: progress feels live, the database barely notices. */
const BULK_EVENTS_POLL_MS = 250;
/** A comment line this often keeps proxies (nginx: 60 s idle) from closing a quiet stream. */
const BULK_EVENTS_HEARTBEAT_MS = 15_000;
/** Connection tests per admin per minute: enough for a person, too few to use Facteur as a port scanner. */
const TESTS_PER_MINUTE = 30;

/** Connection tests: one stored server, unsaved settings, and bulk runs with live progress (SSE). */
export default async function diagnosticsRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  app.post(
    "/api/v1/servers/:id/test",
    {
      config: { access: "admin", rateLimit: { max: TESTS_PER_MINUTE, timeWindow: "1 minute" } },
      schema: {
        tags: ["diagnostics"],
        summary:
          "Test a stored server (EHLO, STARTTLS, AUTH, MAIL FROM; nothing is sent) and keep the result",
        params: idParams,
        body: storedServerTestSchema.nullish(),
        response: { 200: probeResultSchema },
      },
    },
    async (request) =>
      testStoredServer(ctx, request.params.id, {
        to: request.body?.to,
        tryAlternatives: request.body?.tryAlternatives,
      }),
  );

  app.get(
    "/api/v1/servers/:id/test",
    {
      config: { access: "read" },
      schema: {
        tags: ["diagnostics"],
        summary: "Last test result of a stored server (null when never tested)",
        params: idParams,
        response: { 200: lastTestResultSchema },
      },
    },
    async (request) => ({ result: await lastServerResult(ctx, request.params.id) }),
  );

  app.post(
    "/api/v1/diagnostics/test",
    {
      config: { access: "admin", rateLimit: { max: TESTS_PER_MINUTE, timeWindow: "1 minute" } },
      schema: {
        tags: ["diagnostics"],
        summary: "Test unsaved SMTP/IMAP/POP3 settings and explain the outcome in French and English",
        body: adHocTestSchema,
        response: { 200: probeResultSchema },
      },
    },
    async (request) => {
      const { acceptInvalidCertificate, ...settings } = request.body;
      return testSettings(ctx, {
        ...settings,
        trust: { acceptInvalidCertificate: acceptInvalidCertificate ?? false },
      });
    },
  );

  app.post(
    "/api/v1/diagnostics/bulk",
    {
      config: { access: "admin" },
      schema: {
        tags: ["diagnostics"],
        summary: "Test all (or the given) stored servers; follow progress on /events",
        body: z
          .object({
            serverIds: z.array(idSchema).min(1).max(BULK_MAX_SERVERS).optional(),
            concurrency: z.number().int().min(1).max(BULK_CONCURRENCY_MAX).optional(),
          })
          .strict()
          .nullish(),
        response: { 202: bulkRunSchema },
      },
    },
    async (request, reply) => {
      const { run } = await startBulkRun(ctx, {
        serverIds: request.body?.serverIds,
        concurrency: request.body?.concurrency,
      });
      return reply.status(202).send(run);
    },
  );

  app.get(
    "/api/v1/diagnostics/bulk/:id",
    {
      config: { access: "read" },
      schema: { tags: ["diagnostics"], params: idParams, response: { 200: bulkRunSchema } },
    },
    async (request) => getBulkRun(ctx, request.params.id),
  );

  app.get(
    "/api/v1/diagnostics/bulk/:id/events",
    {
      config: { access: "read" },
      schema: {
        tags: ["diagnostics"],
        summary:
          "Server-sent events: `progress` per tested server (id = sequence, resumable with Last-Event-ID), then `done`",
        params: idParams,
        querystring: z.object({ after: cursorParamSchema.optional() }),
      },
    },
    async (request, reply) => {
      const runId = request.params.id;
      const first = await getBulkRun(ctx, runId); // 404 as JSON, before the stream starts
      const resumeFrom = Number(request.headers["last-event-id"]);
      let cursor =
        Number.isInteger(resumeFrom) && resumeFrom > 0 && resumeFrom <= ID_MAX
          ? resumeFrom
          : (request.query.after ?? 0);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no", // nginx: do not buffer the stream
        "x-content-type-options": "nosniff",
      });
      let open = true;
      raw.on("close", () => {
        open = false;
      });
      raw.write(`retry: 2000\n\n`);
      let lastWrite = Date.now();
      try {
        while (open) {
          const events = await bulkEventsAfter(ctx, runId, cursor);
          for (const event of events) {
            raw.write(
              `id: ${event.seq}\nevent: progress\ndata: ${JSON.stringify({ ...event, total: first.total })}\n\n`,
            );
            cursor = event.seq;
            lastWrite = Date.now();
          }
          const run = await getBulkRun(ctx, runId);
          if (run.status === "done" && cursor >= run.done) {
            raw.write(`event: done\ndata: ${JSON.stringify(run)}\n\n`);
            break;
          }
          if (events.length > 0) continue;
          if (Date.now() - lastWrite > BULK_EVENTS_HEARTBEAT_MS) {
            raw.write(": keep-alive\n\n");
            lastWrite = Date.now();
          }
          await new Promise((resolve) => setTimeout(resolve, BULK_EVENTS_POLL_MS));
        }
      } catch (error) {
        ctx.logger.error({ err: error, runId }, "bulk events stream failed");
      } finally {
        raw.end();
      }
    },
  );
}
