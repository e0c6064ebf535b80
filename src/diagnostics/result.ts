import type { MailProtocol, SecurityMode } from "../domain/ports.js";
import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import type { TranscriptEntry } from "./transcript.js";

/** Step names in probe order; a result lists the ones that ran. */
export type StepName =
  | "dns"
  | "connect"
  | "tls"
  | "greeting"
  | "ehlo"
  | "starttls"
  | "capability"
  | "auth"
  | "mail_from"
  | "rcpt_to"
  | "list"
  | "stat"
  | "quit";

export interface ProbeStep {
  name: StepName;
  ok: boolean;
  /** Duration of the step in milliseconds. */
  ms: number;
  /** Short fact: the reply line, the address used, the mechanism… */
  detail?: string;
}

export interface DnsResult {
  /** Every address getaddrinfo returned, in its order. */
  addresses: string[];
  /** The address the probe connected to (null when none was usable). */
  used: string | null;
  ms: number;
}

export interface TlsCertificate {
  subject: string;
  subjectAltNames: string[];
  issuer: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
  selfSigned: boolean;
}

export interface TlsDetails {
  /** How TLS started: implicit (from the first byte) or STARTTLS/STLS upgrade. */
  mode: "implicit" | "starttls";
  version: string | null;
  cipher: string | null;
  certificate: TlsCertificate | null;
  /** True when the chain verifies and the certificate names the host. */
  authorized: boolean;
  /** OpenSSL/Node reason when not authorized: CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID… */
  authorizationError: string | null;
}

export interface Capabilities {
  /** Capability lines as the server sent them (EHLO keywords, IMAP atoms, POP3 CAPA lines). */
  raw: string[];
  starttls: boolean;
  /** SASL mechanisms offered (AUTH PLAIN LOGIN…, AUTH=PLAIN, SASL PLAIN). */
  authMechanisms: string[];
  /** SMTP SIZE limit in bytes (0 = announced without limit), null when not announced. */
  sizeLimit: number | null;
  pipelining: boolean;
  eightBitMime: boolean;
  smtpUtf8: boolean;
  enhancedStatusCodes: boolean;
  /** IMAP LOGINDISABLED: LOGIN refused on this connection (usually before TLS). */
  loginDisabled: boolean;
}

/** What went wrong, as observed; `explainFailure` turns it into a code and FR/EN text. */
export interface ProbeFailure {
  step: StepName;
  /** Set when the probe already knows the meaning (e.g. AUTH_NOT_OFFERED). */
  code?: ProbeFailureCode;
  /** Node error code (ECONNREFUSED, ENOTFOUND, ERR_SSL_WRONG_VERSION_NUMBER…). */
  errorCode?: string;
  /** Command that got the reply (credentials redacted). */
  command?: string;
  /** Full server reply text (all lines joined). */
  reply?: string;
  /** SMTP numeric reply code when there was one. */
  replyCode?: number;
  message: string;
}

export interface LocalizedText {
  fr: string;
  en: string;
}

export interface Explanation {
  code: ProbeFailureCode;
  /** What happened, in words a help-desk user understands. */
  diagnosis: LocalizedText;
  /** What to change. */
  fix: LocalizedText;
  /** 4xx, greylisting, rate limits: retrying later may work without changing anything. */
  temporary: boolean;
}

export interface ProbeWarning {
  code: string;
  fr: string;
  en: string;
}

export interface AlternativeResult {
  port: number;
  security: SecurityMode;
  ok: boolean;
  /** Failure code when it did not work. */
  code: ProbeFailureCode | null;
  ms: number;
  /** TLS certificate verified for the host (null without TLS). */
  certificateOk: boolean | null;
}

export interface MailboxFacts {
  /** IMAP: folders listed by LIST "" "*". */
  mailboxes?: number;
  /** POP3 STAT: messages and total octets in the maildrop. */
  messages?: number;
  octets?: number;
}

export interface ProbeResult {
  protocol: MailProtocol;
  host: string;
  port: number;
  security: SecurityMode;
  ok: boolean;
  startedAt: string;
  durationMs: number;
  dns: DnsResult | null;
  tls: TlsDetails | null;
  capabilities: Capabilities | null;
  /** True when credentials were given and accepted. */
  authenticated: boolean;
  mailbox: MailboxFacts | null;
  steps: ProbeStep[];
  transcript: TranscriptEntry[];
  failure: (Explanation & { step: StepName; reply: string | null }) | null;
  warnings: ProbeWarning[];
  alternatives: AlternativeResult[];
  /** The best working alternative, to apply in one click. */
  suggestion: { port: number; security: SecurityMode } | null;
}
