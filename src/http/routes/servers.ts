import { z } from "zod";
import { passwordStrength } from "../../domain/password-policy.js";
import { portSecurityWarnings, SECURITY_MODES } from "../../domain/ports.js";
import {
  createServerSchema,
  listServersQuerySchema,
  serverViewSchema,
  updateServerSchema,
} from "../../domain/smtp-server.js";
import { singleLine } from "../../domain/text.js";
import {
  createServer,
  deleteServer,
  getServer,
  getServerLogo,
  listServers,
  updateServer,
} from "../../registry/server.service.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { idParams } from "../../domain/id.js";
import { savedServerSchema, serverPageSchema } from "../responses.js";

/** CRUD of the SMTP server registry ("Gestion des Serveurs de messagerie"). */
export default async function serverRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  app.get(
    "/api/v1/servers",
    {
      config: { access: "read" },
      schema: {
        tags: ["servers"],
        summary: "List servers: search, sort on any column, pagination",
        querystring: listServersQuerySchema.extend({ lang: z.enum(["fr", "en"]).optional() }),
        response: { 200: serverPageSchema },
      },
    },
    async (request) => {
      const { lang: _lang, ...query } = request.query;
      return listServers(ctx, query);
    },
  );

  app.post(
    "/api/v1/servers",
    {
      config: { access: "admin" },
      schema: {
        tags: ["servers"],
        summary: "Create a server",
        body: createServerSchema,
        response: { 201: savedServerSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await createServer(ctx, request.body)),
  );

  app.get(
    "/api/v1/servers/:id",
    {
      config: { access: "read" },
      schema: { tags: ["servers"], params: idParams, response: { 200: serverViewSchema } },
    },
    async (request) => getServer(ctx, request.params.id),
  );

  app.patch(
    "/api/v1/servers/:id",
    {
      config: { access: "admin" },
      schema: {
        tags: ["servers"],
        summary: "Update a server (send the version you read: 409 if someone changed it since)",
        params: idParams,
        body: updateServerSchema,
        response: { 200: savedServerSchema },
      },
    },
    async (request) => updateServer(ctx, request.params.id, request.body),
  );

  app.delete(
    "/api/v1/servers/:id",
    { config: { access: "admin" }, schema: { tags: ["servers"], params: idParams } },
    async (request, reply) => {
      await deleteServer(ctx, request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/servers/:id/logo",
    { config: { access: "read" }, schema: { tags: ["servers"], params: idParams } },
    async (request, reply) => {
      const logo = await getServerLogo(ctx, request.params.id);
      if (!logo) return reply.status(404).send();
      return reply
        .type(logo.mimeType)
        .header("cache-control", "private, max-age=60")
        .header("content-security-policy", "default-src 'none'")
        .send(logo.data);
    },
  );

  /** Live form help: password strength (nothing stored, nothing logged) and port/security warnings. */
  app.post(
    "/api/v1/servers/check",
    {
      config: { access: "admin" },
      schema: {
        tags: ["servers"],
        body: z
          .object({
            password: singleLine().max(256).optional(),
            port: z.number().int().min(1).max(65535).optional(),
            security: z.enum(SECURITY_MODES).optional(),
            authenticated: z.boolean().default(true),
          })
          .strict(),
      },
    },
    async (request) => ({
      password: request.body.password !== undefined ? passwordStrength(request.body.password) : null,
      warnings:
        request.body.port !== undefined && request.body.security !== undefined
          ? portSecurityWarnings("smtp", request.body.port, request.body.security, request.body.authenticated)
          : [],
    }),
  );
}
