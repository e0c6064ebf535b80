import type { ErrorDefinition } from "../error-definition.js";

/** Errors of the setup capability (mail domains, discovery, autoconfig, guides). */
export const clientsErrors = {
  MAIL_DOMAIN_NOT_FOUND: {
    status: 404,
    fr: "Domaine de messagerie introuvable.",
    en: "Mail domain not found.",
  },
  MAIL_DOMAIN_TAKEN: {
    status: 409,
    fr: "Ce domaine de messagerie est déjà déclaré.",
    en: "This mail domain is already declared.",
  },
  MAIL_DOMAIN_VERSION_CONFLICT: {
    status: 409,
    fr: "Ce domaine a été modifié par quelqu'un d'autre entre-temps. Rechargez-le puis refaites vos changements.",
    en: "Someone else changed this domain in the meantime. Reload it and apply your changes again.",
  },
  MAIL_SETTINGS_NOT_FOUND: {
    status: 404,
    fr: "Réglages introuvables pour cette adresse : demandez à votre fournisseur de messagerie le serveur entrant (IMAP ou POP3), le serveur sortant (SMTP), leurs ports, la sécurité (SSL/TLS ou STARTTLS) et la forme de l'identifiant.",
    en: "No settings found for this address: ask your mail provider for the incoming server (IMAP or POP3), the outgoing server (SMTP), their ports, the security (SSL/TLS or STARTTLS) and the form of the username.",
  },
  GUIDE_CLIENT_UNKNOWN: {
    status: 404,
    fr: "Logiciel de messagerie inconnu : choisissez-en un dans la liste des guides.",
    en: "Unknown mail client: choose one from the list of guides.",
  },
  AUTODISCOVER_REQUEST_INVALID: {
    status: 400,
    fr: "Requête Autodiscover invalide : l'élément EMailAddress est attendu.",
    en: "Invalid Autodiscover request: an EMailAddress element is expected.",
  },
} as const satisfies Record<string, ErrorDefinition>;
