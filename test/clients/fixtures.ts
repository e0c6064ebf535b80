import type { CreateDomainInput } from "../../src/clients/domains/domain.schema.js";

/** A domain as an admin declares it: IMAP + POP3 in, SMTP out, full-address logins. */
export const EXAMPLE_DOMAIN: CreateDomainInput = {
  name: "exemple.fr",
  displayName: "Exemple & Cie",
  incoming: [
    { protocol: "imap", host: "imap.exemple.fr", security: "starttls" },
    { protocol: "imap", host: "imap.exemple.fr", security: "tls" },
    { protocol: "pop3", host: "pop.exemple.fr", security: "tls", usernameForm: "localpart" },
  ],
  outgoing: [
    { host: "smtp.exemple.fr", security: "starttls" },
    { host: "smtp.exemple.fr", security: "tls", authentication: "encrypted_password", registryServerId: 7 },
  ],
};
