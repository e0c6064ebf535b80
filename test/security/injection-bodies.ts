import { ADMIN_EMAIL, ADMIN_PASSWORD, serverBody } from "../helpers/http.js";
import { LOGO_PNG_BASE64 } from "../sending/helpers/fixtures.js";

/**
 * A valid body for each write route, shared by the injection properties (strings: injection-routes, numbers:
 * injection-ids). Only the base bodies are hand-written; the fields attacked come from the routes' schemas.
 */
export const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface Ids {
  serverId: number;
  departmentId: number;
  domainId: number;
}

export const domainBody = (name: string, serverId: number) => ({
  name,
  displayName: "Exemple SARL",
  incoming: [
    {
      protocol: "imap",
      host: "imap.exemple.fr",
      port: 993,
      security: "tls",
      authentication: "password",
      usernameForm: "custom",
      usernameTemplate: "%EMAILLOCALPART%",
    },
  ],
  outgoing: [
    {
      protocol: "smtp",
      host: "smtp.exemple.fr",
      port: 465,
      security: "tls",
      authentication: "password",
      usernameForm: "custom",
      usernameTemplate: "%EMAILADDRESS%",
      registryServerId: serverId,
    },
  ],
});

const fullServer = (departmentId: number) =>
  serverBody({
    signatureHtml: "<p>Cordialement,<br>Exemple SARL</p>",
    logo: { mimeType: "image/png", data: LOGO_PNG_BASE64 },
    usage: { mode: "custom", departmentIds: [departmentId] },
    priority: 10,
  });

/** A valid body per write route (`METHOD url` as registered). Only routes whose body can hold a string. */
export const BASE_BODIES: Record<string, (ids: Ids) => unknown> = {
  "POST /api/v1/first-run": () => ({
    token: "a".repeat(43),
    email: "second@exemple.fr",
    password: ADMIN_PASSWORD,
  }),
  "POST /api/v1/auth/login": () => ({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  "POST /api/v1/api-keys": () => ({ name: "Application de facturation" }),
  "PUT /api/v1/preferences/:key": () => ({ value: { columns: ["title", "host"], note: "texte libre" } }),
  "POST /api/v1/servers": ({ departmentId }) => fullServer(departmentId),
  "PATCH /api/v1/servers/:id": ({ departmentId }) => ({ version: 1, ...fullServer(departmentId) }),
  "POST /api/v1/servers/check": () => ({
    password: "Tr0ub4dor&3-Secret",
    port: 587,
    security: "starttls",
    authenticated: true,
  }),
  "POST /api/v1/servers/:id/test": () => ({ to: "essai@exemple.fr", tryAlternatives: false }),
  "POST /api/v1/diagnostics/test": () => ({
    protocol: "pop3",
    host: "pop.exemple.fr",
    port: 995,
    security: "tls",
    user: "bob@exemple.fr",
    password: "Tr0ub4dor&3-Secret",
    from: "expediteur@exemple.fr",
    to: "essai@exemple.fr",
    acceptInvalidCertificate: false,
    tryAlternatives: false,
  }),
  "POST /api/v1/departments": () => ({ name: "Comptabilité" }),
  "PATCH /api/v1/departments/:id": () => ({ name: "Comptabilité générale" }),
  "POST /api/v1/messages": ({ serverId }) => ({
    from: "ventes@exemple.fr",
    fromName: "Service Ventes",
    replyTo: "reponses@exemple.fr",
    to: [{ address: "client@exemple.fr", name: "Client Exemple" }],
    cc: ["copie@exemple.fr"],
    bcc: "archive@exemple.fr",
    subject: "Votre facture",
    text: "Bonjour,\r\nveuillez trouver la facture.\n",
    html: "<p>Bonjour,</p>\n<p>veuillez trouver la facture.</p>",
    attachments: [{ filename: "facture.pdf", contentType: "application/pdf", content: "SGVsbG8=" }],
    department: "Ventes",
    serverId,
    idempotencyKey: "commande-42",
  }),
  "POST /api/v1/clients/domains": ({ serverId }) => domainBody("injection-exemple.fr", serverId),
  "PATCH /api/v1/clients/domains/:id": ({ serverId }) => ({
    version: 1,
    ...domainBody("injection-exemple.fr", serverId),
  }),
};

/** The BASE_BODIES key of a route: a deprecated alias takes its successor's body. */
export function bodyKey(route: { method: string; url: string; successor?: string }): string {
  return `${route.method} ${route.successor ?? route.url}`;
}

export function concretePath(url: string, ids: Ids): string {
  return url
    .replace(/^\/api\/v1\/servers\/:id/, `/api/v1/servers/${ids.serverId}`)
    .replace(/^\/api\/v1\/departments\/:id/, `/api/v1/departments/${ids.departmentId}`)
    .replace(/^\/api\/v1\/(clients|setup)\/domains\/:id/, `/api/v1/$1/domains/${ids.domainId}`)
    .replace(":key", "ui.columns")
    .replace(/:\w+/g, "1");
}
