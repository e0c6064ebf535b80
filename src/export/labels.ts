import type { Lang } from "../domain/errors.js";
import type { AuthMethod, SecurityMode } from "../domain/ports.js";
import type { ConfirmationState, ServerColumn, SmtpServerView } from "../domain/smtp-server.js";

/** Column headers of the seed table ("Gestion des Serveurs de messagerie (SMTP)"), FR and EN. */
export const COLUMN_LABELS: Record<Lang, Record<ServerColumn, string>> = {
  fr: {
    id: "ID",
    title: "Titre",
    host: "Hôte",
    port: "Port",
    authentication: "Authentification",
    security: "Sécurité",
    mail: "Mail",
    senderName: "Nom d'envoi",
    username: "Utilisateur",
    usage: "Usage",
    confirmation: "Confirmation",
  },
  en: {
    id: "ID",
    title: "Title",
    host: "Host",
    port: "Port",
    authentication: "Authentication",
    security: "Security",
    mail: "Mail",
    senderName: "Sender name",
    username: "User",
    usage: "Usage",
    confirmation: "Confirmation",
  },
};

const SECURITY_TEXT: Record<SecurityMode, Record<Lang, string>> = {
  tls: { fr: "SSL/TLS", en: "SSL/TLS" },
  starttls: { fr: "STARTTLS", en: "STARTTLS" },
  none: { fr: "Aucune", en: "None" },
};

const AUTHENTICATION_TEXT: Record<AuthMethod, Record<Lang, string>> = {
  password: { fr: "Mot de passe normal", en: "Normal password" },
  encrypted_password: { fr: "Mot de passe chiffré", en: "Encrypted password" },
  oauth2: { fr: "OAuth2", en: "OAuth2" },
  none: { fr: "Aucune", en: "None" },
};

const CONFIRMATION_TEXT: Record<ConfirmationState, Record<Lang, string>> = {
  confirmed: { fr: "Confirmé", en: "Confirmed" },
  pending: { fr: "En attente", en: "Pending" },
  never_sent: { fr: "Jamais envoyé", en: "Never sent" },
};

const ALL_DEPARTMENTS_TEXT: Record<Lang, string> = { fr: "Tous les services", en: "All departments" };

/** A cell as people read it in the table: numbers stay numbers (Excel can sum and sort them). */
export type ExportCell = string | number;

/**
 * The human value of one column of a server, as the admin page shows it. Reads only the listed fields of
 * the view; the view itself never carries a password (only `hasPassword`), so no export can leak one.
 */
export function cellValue(server: SmtpServerView, column: ServerColumn, lang: Lang): ExportCell {
  switch (column) {
    case "id":
      return server.id;
    case "port":
      return server.port;
    case "title":
      return server.title;
    case "host":
      return server.host;
    case "mail":
      return server.mail;
    case "senderName":
      return server.senderName;
    case "username":
      return server.username;
    case "security":
      return SECURITY_TEXT[server.security][lang];
    case "authentication":
      return AUTHENTICATION_TEXT[server.authentication][lang];
    case "confirmation":
      return CONFIRMATION_TEXT[server.confirmation.state][lang];
    case "usage":
      return server.usage.mode === "all"
        ? ALL_DEPARTMENTS_TEXT[lang]
        : server.usage.departments.map((d) => d.name).join(", ");
  }
}
