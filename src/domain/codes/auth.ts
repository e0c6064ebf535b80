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
  HTTP_REQUEST_TIMEOUT: {
    status: 408,
    fr: "La requête HTTP n'est pas arrivée complète à temps.",
    en: "The HTTP request did not arrive in full in time.",
  },
  HTTP_HEADERS_TOO_LARGE: {
    status: 431,
    fr: "Les en-têtes de la requête HTTP sont trop volumineux.",
    en: "The HTTP request headers are too large.",
  },
} as const satisfies Record<string, ErrorDefinition>;
