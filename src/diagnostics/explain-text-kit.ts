import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import { DEFAULT_PORTS, type MailProtocol } from "../domain/ports.js";
import type { LocalizedText } from "./result.js";

/** What an explanation may quote: the settings tried and the server's own words. */
export interface ExplainParams {
  protocol: MailProtocol;
  host: string;
  port: number;
  /** Server reply (or Node error) as received, shown verbatim after the diagnosis. */
  reply: string | null;
}

type Text = (p: ExplainParams) => LocalizedText;

export interface CodeText {
  diagnosis: Text;
  fix: Text;
}

export type ExplanationTable<C extends ProbeFailureCode> = Record<C, CodeText>;

export const NAME: Record<MailProtocol, string> = { smtp: "SMTP", imap: "IMAP", pop3: "POP3" };
export const tlsPort = (p: ExplainParams) => DEFAULT_PORTS[p.protocol].tls;
export const starttlsPort = (p: ExplainParams) => DEFAULT_PORTS[p.protocol].starttls;
export const same = (fr: string, en: string): LocalizedText => ({ fr, en });
