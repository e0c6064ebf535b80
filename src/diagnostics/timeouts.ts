/**
 * Every wait of a probe is bounded by one of these. Probes answer a person looking at a form: a
 * diagnosis in seconds beats the RFC's patience (RFC 5321 §4.5.3.2 lets a client wait 5 minutes for a
 * greeting and 10 minutes for a data-block reply). Values are overridable per probe (tests, bulk runs).
 */
export interface ProbeTimeouts {
  /** Name resolution (getaddrinfo). */
  dnsMs: number;
  /** TCP connect, plus the TLS handshake on implicit-TLS ports. */
  connectMs: number;
  /** First server line after the connection is up. */
  greetingMs: number;
  /** Each command's complete reply, and each STARTTLS handshake. */
  commandMs: number;
}

/** getaddrinfo normally answers in milliseconds; 5 s covers one lost UDP query and its retry. */
export const DNS_TIMEOUT_MS = 5_000;
/** 10 s: a silently dropped SYN (firewall DROP, port 25 blocked by the ISP) never answers; we say so early. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** 10 s: nodemailer waits 30 s, imapflow 16 s; a server silent for 10 s is almost always a TLS-mode mismatch. */
export const GREETING_TIMEOUT_MS = 10_000;
/** 15 s per reply: AUTH against a slow directory or a greylisting RCPT can take several seconds. */
export const COMMAND_TIMEOUT_MS = 15_000;

export const DEFAULT_TIMEOUTS: Readonly<ProbeTimeouts> = Object.freeze({
  dnsMs: DNS_TIMEOUT_MS,
  connectMs: CONNECT_TIMEOUT_MS,
  greetingMs: GREETING_TIMEOUT_MS,
  commandMs: COMMAND_TIMEOUT_MS,
});

/**
 * Alternatives (587/465/2525…) are tried only to suggest a setting, in parallel: a short budget keeps the
 * whole answer under ~5 s even when every alternative is filtered.
 */
export const ALTERNATIVE_TIMEOUTS: Readonly<ProbeTimeouts> = Object.freeze({
  dnsMs: DNS_TIMEOUT_MS,
  connectMs: 4_000,
  greetingMs: 4_000,
  commandMs: 4_000,
});

/** A hostile or broken server must not make us buffer without bound: 64 KiB per line (IMAP LIST lines are long). */
export const MAX_LINE_BYTES = 64 * 1024;
/** Transcript kept in results and storage: enough for any probe; a chatty server is cut, not stored whole. */
export const MAX_TRANSCRIPT_ENTRIES = 400;
/** Characters kept per transcript line. */
export const MAX_TRANSCRIPT_LINE_CHARS = 1_000;
/** IMAP LIST lines counted at most: a probe needs "it works, N folders", not a full tree walk. */
export const MAX_LISTED_MAILBOXES = 10_000;
