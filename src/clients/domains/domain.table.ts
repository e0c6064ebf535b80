import type { Generated } from "kysely";

/** Tables of client setup (migration 0300_setup). */
export interface MailDomainTable {
  id: Generated<number>;
  /** ASCII (punycode) lower-case domain, unique. */
  name: string;
  display_name: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface MailDomainServerTable {
  id: Generated<number>;
  domain_id: number;
  direction: "incoming" | "outgoing";
  protocol: string;
  host: string;
  port: number;
  security: string;
  authentication: string;
  username_form: string;
  username_template: string | null;
  registry_server_id: number | null;
  /** Order of preference inside one direction, 0 first. */
  position: number;
}

declare module "../../store/schema.js" {
  interface Database {
    mail_domains: MailDomainTable;
    mail_domain_servers: MailDomainServerTable;
  }
}
