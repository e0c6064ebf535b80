import type { ErrorDefinition } from "../error-definition.js";

/** Errors of the sending and confirmation capabilities. */
export const sendingErrors = {
  MESSAGE_NOT_FOUND: { status: 404, fr: "Message introuvable.", en: "Message not found." },
  MESSAGE_HEADER_INJECTION: {
    status: 422,
    fr: "Retour à la ligne (CR/LF) interdit dans l'objet, les noms et les adresses : il permettrait d'injecter des en-têtes.",
    en: "Line breaks (CR/LF) are not allowed in the subject, names and addresses: they would let headers be injected.",
  },
  MESSAGE_TOO_LARGE: {
    status: 413,
    fr: "Message trop volumineux : réduisez les pièces jointes ou le corps.",
    en: "Message too large: make the attachments or the body smaller.",
  },
  MESSAGE_NO_ROUTE: {
    status: 422,
    fr: "Aucun serveur SMTP confirmé ne couvre ce service : ajoutez-en un ou confirmez-le.",
    en: "No confirmed SMTP server covers this department: add one or confirm it.",
  },
  /*
   * Why a queued message waits or a message failed, stored as codes in `outbox_messages.last_error`
   * (src/sending/last-error.ts) and shown with these texts; never thrown. The status says what an HTTP client
   * would get if one were raised (502/503/504: the remote mail server, not Facteur).
   */
  MESSAGE_REFUSED: {
    status: 502,
    fr: "Le serveur SMTP a refusé ce message définitivement (voir sa réponse) : il ne sera pas réessayé.",
    en: "The SMTP server refused this message for good (see its reply): it will not be tried again.",
  },
  MESSAGE_TEMPORARY_FAILURE: {
    status: 503,
    fr: "Le serveur SMTP n'a pas pu prendre ce message pour l'instant (refus temporaire ou connexion perdue).",
    en: "The SMTP server could not take this message for now (temporary refusal or lost connection).",
  },
  MESSAGE_NO_SERVER: {
    status: 422,
    fr: "Aucun serveur SMTP utilisable pour ce message (supprimé, non confirmé, ou aucun ne couvre son service).",
    en: "No usable SMTP server for this message (deleted, unconfirmed, or none covers its department).",
  },
  MESSAGE_EXPIRED: {
    status: 504,
    fr: "Non remis dans le délai maximal (FACTEUR_SEND_MAX_AGE_HOURS, 72 h par défaut) : Facteur a abandonné.",
    en: "Not delivered within the maximum age (FACTEUR_SEND_MAX_AGE_HOURS, 72 h by default): Facteur gave up.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    fr: "Cette clé d'idempotence a déjà servi pour un autre message.",
    en: "This idempotency key was already used for a different message.",
  },
  CONFIRMATION_RATE_LIMITED: {
    status: 429,
    fr: "Un mail de confirmation vient d'être envoyé à ce serveur : patientez avant de le renvoyer.",
    en: "A confirmation mail was just sent for this server: wait before sending it again.",
  },
  CONFIRMATION_SEND_FAILED: {
    status: 422,
    fr: "Le serveur SMTP a refusé ou n'a pas pu envoyer le mail de confirmation : lancez un test du serveur pour le diagnostic.",
    en: "The SMTP server refused or could not send the confirmation mail: run a server test for a diagnosis.",
  },
} as const satisfies Record<string, ErrorDefinition>;
