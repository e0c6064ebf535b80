import type { TargetPolicy } from "../../net/target-policy.js";
import { emailSchema } from "../../domain/smtp-server.js";
import { FacteurError } from "../../domain/errors.js";
import { rankServers, splitAddress, type MailSettings } from "../model.js";
import type { MailDnsResolver } from "./dns.js";
import { settingsFromIspAutoconfig, type FetchLike } from "./isp-autoconfig.js";
import { settingsFromMx } from "./mx.js";
import { probeDomain, type ProbeAttempt, type ProbeOptions } from "./probe.js";
import { providerForDomain } from "./providers.js";
import { settingsFromSrv } from "./srv.js";

/**
 * Settings for any address, from the surest source to the least sure: the admin's own domains, the
 * bundled provider database, DNS SRV (RFC 6186/8314), the domain's own autoconfig file, MX-based
 * guesses, and finally (only when asked) probing. DNS and autoconfig run side by side; the first
 * source in that order that answers wins. Everything ends before DISCOVERY_DEADLINE_MS.
 */
export const DISCOVERY_DEADLINE_MS = 4_500; // the acceptance bound is 5 s for an unknown domain
export const AUTOCONFIG_FETCH_TIMEOUT_MS = 2_500; // leaves time for probing after it

export const DISCOVERY_SOURCES = ["admin", "provider", "srv", "autoconfig", "mx", "probe"] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];
export type Confidence = "high" | "medium" | "low";

export const SOURCE_CONFIDENCE: Record<DiscoverySource, Confidence> = {
  admin: "high", // declared by this Facteur's admin
  provider: "high", // documented by the provider, reviewed in providers.ts
  autoconfig: "high", // published by the domain itself, with auth and username form
  srv: "medium", // host and port from DNS; auth and login form assumed
  mx: "medium", // a hosted offer's settings; the domain could use another mailbox host
  probe: "low", // something answers like a mail server; nothing says it is the right one
};

export interface DiscoveryStep {
  source: DiscoverySource;
  outcome: "found" | "none" | "error" | "skipped";
  detail?: string;
  ms: number;
}

export interface DiscoveryResult {
  email: string;
  domain: string;
  found: boolean;
  source: DiscoverySource | null;
  confidence: Confidence | null;
  settings: MailSettings | null;
  /** Provider or hosted offer recognised (bundled database, MX), when any. */
  provider: { id: string; name: string; sources: string[] } | null;
  steps: DiscoveryStep[];
  probes: ProbeAttempt[];
  /** When nothing was found: what to ask the provider, FR/EN. */
  advice: { fr: string; en: string } | null;
}

export interface DiscoveryDeps {
  /** The admin's own domain of that name, as settings, or null. */
  adminSettings(domain: string): Promise<MailSettings | null>;
  resolver: MailDnsResolver;
  fetch: FetchLike;
  /** URLs of the domain's autoconfig file (default: Thunderbird's https URLs). */
  autoconfigUrls?: (domain: string, email: string) => string[];
  /**
   * false: the admin's own domains and the bundled provider database only — no DNS query, no autoconfig
   * fetch, no probe. For callers that may not make Facteur reach out (a read key's guide). Default true.
   */
  network?: boolean;
  /** Probing is off unless asked: it opens connections to machines the caller named. */
  probe?: { enabled: boolean; portMap?: ProbeOptions["portMap"]; policy?: TargetPolicy };
  deadlineMs?: number;
  now?: () => number;
}

export const NOT_FOUND_ADVICE = {
  fr: "Aucun réglage trouvé automatiquement. Demandez à votre fournisseur de messagerie : le serveur entrant (IMAP de préférence, ou POP3) avec son port et sa sécurité (SSL/TLS sur 993, ou STARTTLS sur 143), le serveur sortant SMTP avec son port et sa sécurité (SSL/TLS sur 465, ou STARTTLS sur 587), la forme de l'identifiant (adresse complète ou partie avant @) et si un mot de passe d'application est nécessaire.",
  en: "No settings were found automatically. Ask your mail provider for: the incoming server (IMAP preferably, or POP3) with its port and security (SSL/TLS on 993, or STARTTLS on 143), the outgoing SMTP server with its port and security (SSL/TLS on 465, or STARTTLS on 587), the form of the username (full address or the part before @) and whether an app password is needed.",
};

/** Validates and normalises the address (IDN domain → punycode); throws VALIDATION_FAILED. */
export function normalizeEmail(email: string): string {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) {
    throw new FacteurError("VALIDATION_FAILED", {
      details: [
        {
          path: "email",
          code: "EMAIL_INVALID",
          fr: "Adresse e-mail invalide.",
          en: "Invalid email address.",
        },
      ],
    });
  }
  return parsed.data;
}

function ranked(settings: MailSettings): MailSettings {
  return { ...settings, incoming: rankServers(settings.incoming), outgoing: rankServers(settings.outgoing) };
}

/** Runs `work` unless the deadline passes first; a timed-out step reports "error: deadline". */
function withinDeadline<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("deadline"));
    const onAbort = () => reject(new Error("deadline"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export async function discoverSettings(emailInput: string, deps: DiscoveryDeps): Promise<DiscoveryResult> {
  const now = deps.now ?? (() => performance.now());
  const email = normalizeEmail(emailInput);
  const { domain } = splitAddress(email);
  const steps: DiscoveryStep[] = [];
  const result = (
    source: DiscoverySource | null,
    settings: MailSettings | null,
    extra: Partial<DiscoveryResult> = {},
  ): DiscoveryResult => ({
    email,
    domain,
    found: settings !== null,
    source,
    confidence: source ? SOURCE_CONFIDENCE[source] : null,
    settings: settings ? ranked(settings) : null,
    provider: null,
    steps,
    probes: [],
    advice: settings ? (settings.note ?? null) : NOT_FOUND_ADVICE,
    ...extra,
  });

  let t = now();
  const admin = await deps.adminSettings(domain);
  steps.push({ source: "admin", outcome: admin ? "found" : "none", ms: now() - t });
  if (admin) return result("admin", admin);

  t = now();
  const provider = providerForDomain(domain);
  steps.push({ source: "provider", outcome: provider ? "found" : "none", ms: now() - t });
  if (provider) {
    return result(
      "provider",
      {
        domain,
        displayName: provider.name,
        incoming: provider.incoming,
        outgoing: provider.outgoing,
        note: provider.note,
      },
      { provider: { id: provider.id, name: provider.name, sources: provider.sources } },
    );
  }

  if (deps.network === false) {
    for (const source of ["srv", "autoconfig", "mx", "probe"] as const)
      steps.push({ source, outcome: "skipped", ms: 0 });
    return result(null, null);
  }

  const deadline = AbortSignal.timeout(deps.deadlineMs ?? DISCOVERY_DEADLINE_MS);
  const timed = async <T>(
    source: DiscoverySource,
    work: () => Promise<T | null>,
  ): Promise<{ value: T | null; step: DiscoveryStep }> => {
    const t0 = now();
    try {
      const value = await withinDeadline(work(), deadline);
      return { value, step: { source, outcome: value ? "found" : "none", ms: now() - t0 } };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { value: null, step: { source, outcome: "error", detail, ms: now() - t0 } };
    }
  };
  const fetchSignal = AbortSignal.any([deadline, AbortSignal.timeout(AUTOCONFIG_FETCH_TIMEOUT_MS)]);
  const [srv, autoconfig, mx] = await Promise.all([
    timed("srv", () => settingsFromSrv(domain, deps.resolver)),
    timed("autoconfig", () =>
      settingsFromIspAutoconfig(domain, email, {
        fetch: deps.fetch,
        signal: fetchSignal,
        ...(deps.autoconfigUrls ? { urls: deps.autoconfigUrls } : {}),
      }),
    ),
    timed("mx", () => settingsFromMx(domain, deps.resolver)),
  ]);
  steps.push(srv.step, autoconfig.step, mx.step);
  if (srv.value) return result("srv", srv.value);
  if (autoconfig.value) return result("autoconfig", autoconfig.value);
  if (mx.value) {
    const p = mx.value.provider;
    return result("mx", mx.value.settings, { provider: { id: p.id, name: p.name, sources: p.sources } });
  }

  if (!deps.probe?.enabled) {
    steps.push({ source: "probe", outcome: "skipped", ms: 0 });
    return result(null, null);
  }
  const t1 = now();
  try {
    const probed = await withinDeadline(
      probeDomain(domain, {
        resolver: deps.resolver,
        signal: deadline,
        ...(deps.probe.portMap ? { portMap: deps.probe.portMap } : {}),
        ...(deps.probe.policy ? { policy: deps.probe.policy } : {}),
      }),
      deadline,
    );
    steps.push({ source: "probe", outcome: probed.settings ? "found" : "none", ms: now() - t1 });
    return result(probed.settings ? "probe" : null, probed.settings, { probes: probed.attempts });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    steps.push({ source: "probe", outcome: "error", detail, ms: now() - t1 });
    return result(null, null);
  }
}
