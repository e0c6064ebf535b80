import type { ErrorDefinition } from "../error-definition.js";

/** Errors of the registry, access control and HTTP edge. */
export const coreErrors = {
  VALIDATION_FAILED: {
    status: 422,
    fr: "Certaines valeurs sont invalides : corrigez les champs signalés.",
    en: "Some values are invalid: fix the fields listed.",
  },
  INVALID_JSON: {
    status: 400,
    fr: "Le corps de la requête n'est pas du JSON valide.",
    en: "The request body is not valid JSON.",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    fr: "Type de contenu non pris en charge.",
    en: "Unsupported content type.",
  },
  BODY_TOO_LARGE: {
    status: 413,
    fr: "La requête est trop volumineuse.",
    en: "The request body is too large.",
  },
  NOT_FOUND: { status: 404, fr: "Ressource introuvable.", en: "Resource not found." },
  URL_INVALID: {
    status: 400,
    fr: "Adresse (URL) mal formée : vérifiez les caractères encodés (%).",
    en: "Malformed URL: check the percent-encoded characters.",
  },
  URL_PARAMETER_TOO_LONG: {
    status: 414,
    fr: "Un paramètre de l'adresse (URL) est trop long.",
    en: "A parameter of the URL is too long.",
  },
  SERVER_NOT_FOUND: { status: 404, fr: "Serveur SMTP introuvable.", en: "SMTP server not found." },
  DEPARTMENT_NOT_FOUND: { status: 404, fr: "Service introuvable.", en: "Department not found." },
  DEPARTMENT_NAME_TAKEN: {
    status: 409,
    fr: "Un service porte déjà ce nom.",
    en: "A department with this name already exists.",
  },
  DEPARTMENT_IN_USE: {
    status: 409,
    fr: "Ce service est utilisé par des serveurs ; retirez-le de leur usage avant de le supprimer.",
    en: "This department is used by servers; remove it from their usage before deleting it.",
  },
  VERSION_CONFLICT: {
    status: 409,
    fr: "Ce serveur a été modifié par quelqu'un d'autre entre-temps. Rechargez-le puis refaites vos changements.",
    en: "Someone else changed this server in the meantime. Reload it and apply your changes again.",
  },
  UNAUTHENTICATED: {
    status: 401,
    fr: "Connexion requise.",
    en: "You must sign in.",
  },
  INVALID_CREDENTIALS: {
    status: 401,
    fr: "Adresse ou mot de passe incorrect.",
    en: "Wrong email or password.",
  },
  FORBIDDEN: { status: 403, fr: "Accès refusé.", en: "Access denied." },
  API_KEY_SCOPE_MISSING: {
    status: 403,
    fr: "Cette clé d'API n'a pas la portée requise ici (send, read ou admin) : créez une clé avec cette portée.",
    en: "This API key lacks the scope this route requires (send, read or admin): create a key with that scope.",
  },
  CSRF_INVALID: {
    status: 403,
    fr: "Jeton anti-CSRF absent ou invalide : rechargez la page.",
    en: "Missing or invalid CSRF token: reload the page.",
  },
  RATE_LIMITED: {
    status: 429,
    fr: "Trop de tentatives : réessayez dans quelques minutes.",
    en: "Too many attempts: try again in a few minutes.",
  },
  FIRST_RUN_ALREADY_DONE: {
    status: 409,
    fr: "Un administrateur existe déjà ; connectez-vous.",
    en: "An administrator already exists; sign in.",
  },
  FIRST_RUN_TOKEN_INVALID: {
    status: 410,
    fr: "Lien d'installation invalide ou expiré ; relancez Facteur pour en obtenir un nouveau.",
    en: "Invalid or expired first-run link; restart Facteur to get a new one.",
  },
  ADMIN_EMAIL_TAKEN: {
    status: 409,
    fr: "Un administrateur utilise déjà cette adresse.",
    en: "An administrator already uses this address.",
  },
  API_KEY_NOT_FOUND: { status: 404, fr: "Clé d'API introuvable.", en: "API key not found." },
  SECRET_KEY_INVALID: {
    status: 500,
    fr: "La clé de chiffrement ne permet pas de déchiffrer les secrets stockés.",
    en: "The encryption key cannot decrypt the stored secrets.",
  },
  INTERNAL: {
    status: 500,
    fr: "Erreur interne ; elle a été journalisée.",
    en: "Internal error; it has been logged.",
  },
} as const satisfies Record<string, ErrorDefinition>;
