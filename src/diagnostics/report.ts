import type { Lang } from "../domain/errors.js";
import type { ProbeResult } from "./result.js";
import { formatTranscript } from "./transcript.js";

const WORDS = {
  fr: {
    steps: "Étapes",
    tls: "TLS",
    cert: "Certificat",
    san: "Noms (SAN)",
    issuer: "Émetteur",
    validity: "Validité",
    verified: "vérifié",
    notVerified: "NON vérifié",
    caps: "Capacités",
    auth: "Authentification",
    size: "Taille max",
    dns: "DNS",
    used: "utilisée",
    ok: "Test réussi",
    failed: "Échec",
    fix: "Solution",
    warning: "Attention",
    alternatives: "Autres réglages essayés",
    works: "fonctionne",
    fails: "échoue",
    suggestion: "Réglage proposé",
    mailboxes: "dossiers",
    messages: "messages",
    authenticated: "authentifié",
  },
  en: {
    steps: "Steps",
    tls: "TLS",
    cert: "Certificate",
    san: "Names (SAN)",
    issuer: "Issuer",
    validity: "Valid",
    verified: "verified",
    notVerified: "NOT verified",
    caps: "Capabilities",
    auth: "Authentication",
    size: "Max size",
    dns: "DNS",
    used: "used",
    ok: "Test passed",
    failed: "Failed",
    fix: "Fix",
    warning: "Warning",
    alternatives: "Other settings tried",
    works: "works",
    fails: "fails",
    suggestion: "Suggested setting",
    mailboxes: "folders",
    messages: "messages",
    authenticated: "authenticated",
  },
} as const;

const SECURITY_LABEL = { none: "none", starttls: "STARTTLS", tls: "SSL/TLS" } as const;

/** The human report of a test, as `facteur test` prints it: transcript first (swaks-like), then facts, then the verdict. */
export function formatReport(result: ProbeResult, lang: Lang): string {
  const w = WORDS[lang];
  const sep = lang === "fr" ? "\u00a0: " : ": "; // French puts a (non-breaking) space before the colon
  const out: string[] = [formatTranscript(result.transcript), ""];
  if (result.dns) {
    out.push(
      `${w.dns}${sep}${result.dns.addresses.join(", ")}${result.dns.used ? ` (${w.used}${sep}${result.dns.used})` : ""}`,
    );
  }
  out.push(
    `${w.steps}${sep}${result.steps.map((s) => `${s.name} ${s.ok ? "✓" : "✗"} ${s.ms} ms`).join(" · ")}`,
  );
  if (result.tls) {
    const { tls } = result;
    out.push(
      `${w.tls}${sep}${tls.version ?? "?"} ${tls.cipher ?? ""} (${tls.mode}) — ${tls.authorized ? w.verified : `${w.notVerified}${sep}${tls.authorizationError}`}`,
    );
    if (tls.certificate) {
      const c = tls.certificate;
      out.push(
        `  ${w.cert}${sep}${c.subject}`,
        `  ${w.san}${sep}${c.subjectAltNames.join(", ") || "—"}`,
        `  ${w.issuer}${sep}${c.issuer}`,
        `  ${w.validity}${sep}${c.validFrom} → ${c.validTo}`,
      );
    }
  }
  if (result.capabilities) {
    const c = result.capabilities;
    const flags = [
      c.starttls && "STARTTLS",
      c.pipelining && "PIPELINING",
      c.eightBitMime && "8BITMIME",
      c.smtpUtf8 && "SMTPUTF8",
      c.enhancedStatusCodes && "ENHANCEDSTATUSCODES",
      c.loginDisabled && "LOGINDISABLED",
    ].filter(Boolean);
    out.push(`${w.caps}${sep}${flags.join(" ") || "—"}`);
    out.push(
      `  ${w.auth}${sep}${c.authMechanisms.join(" ") || "—"}${c.sizeLimit !== null ? ` · ${w.size}${sep}${c.sizeLimit} B` : ""}`,
    );
  }
  if (result.mailbox) {
    const m = result.mailbox;
    if (m.mailboxes !== undefined) out.push(`IMAP: ${m.mailboxes} ${w.mailboxes}`);
    if (m.messages !== undefined) out.push(`POP3: ${m.messages} ${w.messages}, ${m.octets} B`);
  }
  out.push("");
  if (result.ok) {
    out.push(`✔ ${w.ok} (${result.durationMs} ms)${result.authenticated ? `, ${w.authenticated}` : ""}`);
  } else if (result.failure) {
    out.push(
      `✘ ${w.failed} [${result.failure.code}] ${result.failure.diagnosis[lang]}`,
      `  ${w.fix}${sep}${result.failure.fix[lang]}`,
    );
  }
  for (const warning of result.warnings) out.push(`! ${w.warning}${sep}${warning[lang]}`);
  if (result.alternatives.length > 0) {
    out.push(`${w.alternatives}${sep.trimEnd()}`);
    for (const a of result.alternatives) {
      out.push(
        `  ${a.port} ${SECURITY_LABEL[a.security]}: ${a.ok ? w.works : `${w.fails} (${a.code})`} — ${a.ms} ms`,
      );
    }
  }
  if (result.suggestion)
    out.push(
      `→ ${w.suggestion}${sep}port ${result.suggestion.port}, ${SECURITY_LABEL[result.suggestion.security]}`,
    );
  return out.join("\n");
}
