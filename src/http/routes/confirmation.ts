import type { FastifyReply } from "fastify";
import { z } from "zod";
import {
  confirmByLink,
  CONFIRM_PATH,
  inspectConfirmationLink,
  sendConfirmation,
} from "../../confirmation/confirmation.service.js";
import { linkPage, type LinkState } from "../../confirmation/confirmation-text.js";
import { FacteurError } from "../../domain/errors.js";
import { errorBody } from "../errors.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { idParams } from "../../domain/id.js";
import { confirmationSentSchema } from "../responses.js";

const tokenParams = z.object({ token: z.string().max(200) });
const CONFIRM_RATE_PER_MINUTE = 30; // per client IP: tokens have 256 bits, this only stops noisy scanners

const PAGE_STATUS: Record<LinkState, number> = {
  valid: 200,
  confirmed: 200,
  used: 409,
  expired: 410,
  stale: 409,
  unknown: 404,
};

function sendPage(reply: FastifyReply, state: LinkState, html: string) {
  return (
    reply
      .status(PAGE_STATUS[state])
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-store")
      // The token is in the URL: never leak it through a Referer.
      .header("referrer-policy", "no-referrer")
      .header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .send(html)
  );
}

/** Confirmation mail (admin action "Lien(s)") and the public link pages. */
export default async function confirmationRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  // The page's form posts an empty urlencoded body; this parser stays inside this plugin.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    "/api/v1/servers/:id/confirmation",
    {
      config: { access: "admin" },
      schema: {
        tags: ["servers"],
        summary: "Send the confirmation mail through this server to its Mail address",
        params: idParams,
        response: { 200: confirmationSentSchema },
      },
    },
    async (request, reply) => {
      try {
        return await sendConfirmation(ctx, request.params.id, request.lang);
      } catch (error) {
        if (error instanceof FacteurError && error.code === "CONFIRMATION_RATE_LIMITED") {
          reply.header("retry-after", String(error.meta?.retryAfterSeconds ?? 60));
        }
        // The server's own settings failed (a 4xx, not Facteur's fault): the answer carries the diagnosis.
        if (error instanceof FacteurError && error.code === "CONFIRMATION_SEND_FAILED") {
          request.log.info({ code: error.code }, "request refused");
          const body = errorBody(error.code, request.lang, String(request.id));
          const { stage, responseCode, response } = error.meta ?? {};
          // Typed replies only know the 200 schema; this error answer is the API's error body plus a diagnosis.
          return (reply as unknown as FastifyReply).status(error.status).send({
            error: {
              ...body.error,
              diagnosis: { stage, responseCode: responseCode ?? null, response: response ?? null },
            },
          });
        }
        throw error;
      }
    },
  );

  app.get(
    `${CONFIRM_PATH}/:token`,
    {
      config: { access: "public", rateLimit: { max: CONFIRM_RATE_PER_MINUTE, timeWindow: 60_000 } },
      schema: { hide: true, params: tokenParams },
    },
    async (request, reply) => {
      // GET only shows: mail scanners open links, a click on the button (POST) confirms.
      const { state, server } = await inspectConfirmationLink(ctx, request.params.token);
      const action =
        state === "valid" ? `${CONFIRM_PATH}/${encodeURIComponent(request.params.token)}` : undefined;
      return sendPage(reply, state, linkPage(state, request.lang, server, action));
    },
  );

  app.post(
    `${CONFIRM_PATH}/:token`,
    {
      config: { access: "public", rateLimit: { max: CONFIRM_RATE_PER_MINUTE, timeWindow: 60_000 } },
      schema: { hide: true, params: tokenParams },
    },
    async (request, reply) => {
      const { state, server } = await confirmByLink(ctx, request.params.token, request.ip);
      return sendPage(reply, state, linkPage(state, request.lang, server));
    },
  );
}
