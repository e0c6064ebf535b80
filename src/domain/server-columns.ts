/**
 * Columns of the seed table ("Gestion des Serveurs de messagerie (SMTP)"), in its order; also the sortable
 * keys of the list. A module of its own, with no imports, so the UI's table bundle can use it without
 * pulling the zod schemas and zxcvbn's dictionaries.
 */
export const SERVER_COLUMNS = [
  "id",
  "title",
  "host",
  "port",
  "authentication",
  "security",
  "mail",
  "senderName",
  "username",
  "usage",
  "confirmation",
] as const;
export type ServerColumn = (typeof SERVER_COLUMNS)[number];
