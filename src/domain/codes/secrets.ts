import type { ErrorDefinition } from "../error-definition.js";

/** Errors of stored secrets (secrets/server-password.ts). */
export const secretsErrors = {
  SERVER_PASSWORD_REENTRY_REQUIRED: {
    status: 409,
    fr: "Le mot de passe enregistré ne correspond plus aux réglages de ce serveur (hôte, port, sécurité, authentification ou utilisateur changés hors de Facteur) : rien n'a été envoyé. Saisissez à nouveau le mot de passe.",
    en: "The stored password no longer matches this server's settings (host, port, security, authentication or username changed outside Facteur): nothing was sent. Enter the password again.",
  },
} as const satisfies Record<string, ErrorDefinition>;
