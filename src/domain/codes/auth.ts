import type { ErrorDefinition } from "../error-definition.js";

/** Errors of sign-in hardening (login throttling) and of the HTTP edge below Fastify's router. */
export const authErrors = {
  LOGIN_THROTTLED: {
    status: 429,
    fr: "Trop de tentatives de connexion échouées depuis cet appareil : patientez avant de réessayer (délai dans l'en-tête Retry-After).",
    en: "Too many failed sign-in attempts from this device: wait before trying again (delay in the Retry-After header).",
  },
  HTTP_REQUEST_MALFORMED: {
    status: 400,
    fr: "Requête HTTP mal formée (en-têtes ou Content-Length invalides).",
    en: "Malformed HTTP request (invalid headers or Content-Length).",
  },
} as const satisfies Record<string, ErrorDefinition>;
