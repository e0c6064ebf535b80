import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { FacteurError, type Lang } from "../../domain/errors.js";
import { emailSchema } from "../../domain/smtp-server.js";
import {
  AUTODISCOVER_BODY_LIMIT_BYTES,
  buildAutodiscoverError,
} from "../../clients/autoconfig/autodiscover.js";
import {
  createAutoconfigDocuments,
  XML_CONTENT_TYPE,
  type AutoconfigDocument,
} from "../../clients/autoconfig/documents.js";
import { etagMatches } from "../../clients/autoconfig/etag.js";
import { createMailResolver } from "../../clients/discovery/dns.js";
import { discoverSettings } from "../../clients/discovery/discover.js";
import { discoveryDeps } from "../../clients/discovery/deps.js";
import {
  checkPublishedRecords,
  facteurHostOf,
  recordsToPublish,
  zoneFileLines,
} from "../../clients/dns-helper.js";
import { createDomainSchema, updateDomainSchema } from "../../clients/domains/domain.schema.js";
import {
  createDomain,
  deleteDomain,
  getDomain,
  listDomains,
  updateDomain,
} from "../../clients/domains/domain.service.js";
import { CLIENT_GUIDES, CLIENT_IDS } from "../../clients/guides/guide.js";
import { renderGuideHtml } from "../../clients/guides/render-html.js";
import { renderGuidePdf } from "../../clients/guides/render-pdf.js";
import { guideForAddress, MOBILECONFIG_PATH } from "../../clients/guides/service.js";
import { splitAddress } from "../../clients/model.js";
import type { FacteurApp, RouteOptions } from "../types.js";
import { scopesAllow } from "../../auth/api-key-scopes.js";
import { idParams } from "../../domain/id.js";
import { registerDeprecatedAliases } from "../deprecated-aliases.js";
import { guideListSchema } from "../responses.js";

const CLIENTS_PREFIX = "/api/v1/clients/";

/** Thunderbird re-asks at each account setup; proxies and clients may keep it a few minutes. */
const AUTOCONFIG_CACHE_CONTROL = "public, max-age=300";
/** Per-address documents: the browser/client may keep them, shared caches must not. */
const PERSONAL_CACHE_CONTROL = "private, max-age=300";
/** The guide page only needs its inline style and the QR data URL: nothing else may load or run. */
const GUIDE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

// Light shape check on the hot path; the address is fully validated (emailSchema) only on a cache miss.
const autoconfigQuery = z.object({ emailaddress: z.string().max(320).optional() }).passthrough();
const mobileconfigQuery = z.object({ emailaddress: emailSchema }).passthrough();
const discoverQuery = z.object({
  email: emailSchema,
  probe: z.enum(["true", "false"]).optional(),
});
const guideParams = z.object({ client: z.string().max(64) });
const guideQuery = z.object({
  email: emailSchema,
  lang: z.enum(["fr", "en"]).optional(),
  incoming: z.enum(["imap", "pop3"]).optional(),
});
const dnsQuery = z.object({ check: z.enum(["true", "false"]).optional() });

/** Discovery and guides per minute and client address: each may query DNS and fetch two https URLs. */
const DISCOVERIES_PER_MINUTE = 30;

/** Whether the caller may make Facteur open outbound connections: an admin session or an admin-scope key. */
function mayReachOut(principal: FastifyRequest["principal"]): boolean {
  return (
    principal?.kind === "admin" || (principal?.kind === "apiKey" && scopesAllow(principal.scopes, "admin"))
  );
}

/** Mail clients: public autoconfig endpoints for mail clients, and the admin API (domains, discovery, guides). */
export default async function clientsRoutes(app: FacteurApp, { ctx }: RouteOptions): Promise<void> {
  // Until the next release the API also answers at its old prefix, /api/v1/setup/… (deprecated).
  registerDeprecatedAliases(app, (url) =>
    url.startsWith(CLIENTS_PREFIX) ? `/api/v1/setup/${url.slice(CLIENTS_PREFIX.length)}` : null,
  );
  const documents = createAutoconfigDocuments(ctx);

  // Autodiscover bodies are XML; this parser lives only inside this plugin (encapsulated).
  app.addContentTypeParser(
    ["text/xml", "application/xml"],
    { parseAs: "string", bodyLimit: AUTODISCOVER_BODY_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );

  function send(request: FastifyRequest, reply: FastifyReply, doc: AutoconfigDocument, cacheControl: string) {
    reply.header("etag", doc.etag).header("cache-control", cacheControl).header("vary", "Host");
    if (etagMatches(request.headers["if-none-match"], doc.etag)) return reply.status(304).send();
    return reply.type(doc.contentType).send(doc.body);
  }

  // ---- Thunderbird (and K-9, Evolution, KMail, Delta Chat…) ------------------------------------------
  const thunderbird = async (
    request: FastifyRequest<{ Querystring: z.infer<typeof autoconfigQuery> }>,
    reply: FastifyReply,
  ) => {
    // With ?emailaddress the domain is the address's; without it (mailcow-style clients), the Host's.
    const doc = await documents.thunderbird(request.query.emailaddress, request.headers.host);
    if (!doc) return reply.status(404).header("cache-control", "no-store").send();
    return send(request, reply, doc, AUTOCONFIG_CACHE_CONTROL);
  };
  for (const url of ["/.well-known/autoconfig/mail/config-v1.1.xml", "/mail/config-v1.1.xml"]) {
    app.get(
      url,
      { config: { access: "public" }, schema: { tags: ["autoconfig"], querystring: autoconfigQuery } },
      thunderbird,
    );
  }

  // ---- Outlook Autodiscover (POX) --------------------------------------------------------------------
  const autodiscover = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header("cache-control", "no-store");
    const answer = await documents.autodiscover(typeof request.body === "string" ? request.body : "");
    if (typeof answer === "number")
      return reply.type(XML_CONTENT_TYPE).send(buildAutodiscoverError(answer, ctx.now()));
    return reply.header("etag", answer.etag).type(answer.contentType).send(answer.body);
  };
  // [MS-OXDSCLI] §3.2.5 names the lower-case path; Outlook and others also send these casings.
  for (const url of [
    "/autodiscover/autodiscover.xml",
    "/Autodiscover/Autodiscover.xml",
    "/AutoDiscover/AutoDiscover.xml",
  ]) {
    app.post(url, { config: { access: "public" }, schema: { tags: ["autoconfig"] } }, autodiscover);
  }

  // ---- Apple configuration profile -------------------------------------------------------------------
  app.get(
    MOBILECONFIG_PATH,
    { config: { access: "public" }, schema: { tags: ["autoconfig"], querystring: mobileconfigQuery } },
    async (request, reply) => {
      const email = request.query.emailaddress;
      const { domain } = splitAddress(email);
      const doc = await documents.get("mobileconfig", domain, email);
      if (!doc) return reply.status(404).header("cache-control", "no-store").send();
      reply.header("content-disposition", `attachment; filename="${domain}.mobileconfig"`);
      return send(request, reply, doc, PERSONAL_CACHE_CONTROL);
    },
  );

  // ---- Admin: mail domains ----------------------------------------------------------------------------
  app.get(
    "/api/v1/clients/domains",
    { config: { access: "read" }, schema: { tags: ["clients"] } },
    async () => ({
      items: await listDomains(ctx),
    }),
  );
  app.post(
    "/api/v1/clients/domains",
    { config: { access: "admin" }, schema: { tags: ["clients"], body: createDomainSchema } },
    async (request, reply) => {
      const created = await createDomain(ctx, request.body);
      documents.invalidate();
      return reply.status(201).send(created);
    },
  );
  app.get(
    "/api/v1/clients/domains/:id",
    { config: { access: "read" }, schema: { tags: ["clients"], params: idParams } },
    async (request) => getDomain(ctx, request.params.id),
  );
  app.patch(
    "/api/v1/clients/domains/:id",
    {
      config: { access: "admin" },
      schema: { tags: ["clients"], params: idParams, body: updateDomainSchema },
    },
    async (request) => {
      const updated = await updateDomain(ctx, request.params.id, request.body);
      documents.invalidate();
      return updated;
    },
  );
  app.delete(
    "/api/v1/clients/domains/:id",
    { config: { access: "admin" }, schema: { tags: ["clients"], params: idParams } },
    async (request, reply) => {
      await deleteDomain(ctx, request.params.id);
      documents.invalidate();
      return reply.status(204).send();
    },
  );
  app.get(
    "/api/v1/clients/domains/:id/dns",
    { config: { access: "read" }, schema: { tags: ["clients"], params: idParams, querystring: dnsQuery } },
    async (request) => {
      const domain = await getDomain(ctx, request.params.id);
      const facteurHost = facteurHostOf(ctx.config.publicUrl);
      const records = recordsToPublish(domain, facteurHost ?? "facteur.example.net");
      const checked =
        request.query.check === "true" ? await checkPublishedRecords(records, createMailResolver()) : null;
      return {
        domain: domain.name,
        facteurHost,
        warning: facteurHost
          ? null
          : {
              fr: "FACTEUR_PUBLIC_URL n'est pas un nom d'hôte public : remplacez facteur.example.net par le nom de Facteur.",
              en: "FACTEUR_PUBLIC_URL is not a public host name: replace facteur.example.net with Facteur's name.",
            },
        records: checked ?? records,
        zone: zoneFileLines(records),
      };
    },
  );

  // ---- Admin: discovery and guides ----------------------------------------------------------------------
  app.get(
    "/api/v1/clients/discover",
    {
      config: { access: "admin", rateLimit: { max: DISCOVERIES_PER_MINUTE, timeWindow: "1 minute" } },
      schema: { tags: ["clients"], querystring: discoverQuery },
    },
    async (request) =>
      discoverSettings(request.query.email, discoveryDeps(ctx, { probe: request.query.probe === "true" })),
  );
  app.get(
    "/api/v1/clients/guides",
    { config: { access: "read" }, schema: { tags: ["clients"], response: { 200: guideListSchema } } },
    async () => ({
      items: CLIENT_GUIDES.map((g) => ({
        id: g.id,
        name: g.name,
        platform: g.platform,
        automatic: g.automatic?.kind ?? null,
        legacy: g.legacy === true,
      })),
    }),
  );
  app.get(
    "/api/v1/clients/guides/:client",
    {
      config: { access: "read", rateLimit: { max: DISCOVERIES_PER_MINUTE, timeWindow: "1 minute" } },
      schema: { tags: ["clients"], params: guideParams, querystring: guideQuery },
    },
    async (request, reply) => {
      const pdf = request.params.client.endsWith(".pdf");
      const clientId = pdf ? request.params.client.slice(0, -4) : request.params.client;
      if (!CLIENT_IDS.includes(clientId))
        throw new FacteurError("GUIDE_CLIENT_UNKNOWN", { meta: { clientId } });
      const lang: Lang = request.query.lang ?? request.lang ?? "fr";
      const guide = await guideForAddress(request.query.email, clientId, lang, discoveryDeps(ctx), {
        publicUrl: ctx.config.publicUrl,
        ...(request.query.incoming ? { incomingProtocol: request.query.incoming } : {}),
        // Only callers allowed to make Facteur connect out (admin) get DNS/autoconfig discovery; a read key
        // gets the admin's own domains and the bundled provider database, with no outbound connection.
        network: mayReachOut(request.principal),
      });
      reply.header("cache-control", "private, no-store");
      if (pdf) {
        const file = `facteur-${clientId}-${splitAddress(guide.email).domain}.pdf`;
        return reply
          .type("application/pdf")
          .header("content-disposition", `inline; filename="${file}"`)
          .send(await renderGuidePdf(guide));
      }
      return reply
        .type("text/html; charset=utf-8")
        .header("content-security-policy", GUIDE_CSP)
        .send(await renderGuideHtml(guide));
    },
  );
}
