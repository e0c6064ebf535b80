import { isIpv4, isIpv6 } from "../domain/host.js";
import type { MailDomainView } from "./domains/domain.schema.js";
import { orEmpty, type MailDnsResolver } from "./discovery/dns.js";
import { SRV_SERVICES } from "./discovery/srv.js";

/**
 * The DNS records an admin publishes so clients find Facteur's autoconfig (autoconfig./autodiscover.
 * CNAMEs, Outlook's `_autodiscover._tcp` SRV) and the servers themselves (RFC 6186/8314 SRV, implicit
 * TLS with the preferred priority), plus a check of what the DNS says now.
 */
export interface DnsRecordAdvice {
  name: string;
  type: "CNAME" | "SRV";
  /** Zone-file form of the value: `target.` for a CNAME, `priority weight port target.` for SRV. */
  value: string;
  why: { fr: string; en: string };
}

export interface DnsRecordCheck extends DnsRecordAdvice {
  status: "ok" | "missing" | "different" | "error";
  found: string[];
}

const SRV_PRIORITY = { tls: 0, starttls: 10 } as const; // RFC 8314 §5.1: implicit TLS preferred
const AUTODISCOVER_SRV_PORT = 443;

/** Host name of Facteur's public URL, or null when it is an IP/localhost (no CNAME can point there). */
export function facteurHostOf(publicUrl: string): string | null {
  const host = new URL(publicUrl).hostname.replace(/^\[|\]$/g, "");
  if (isIpv4(host) || isIpv6(host) || host === "localhost" || !host.includes(".")) return null;
  return host;
}

export function recordsToPublish(domain: MailDomainView, facteurHost: string): DnsRecordAdvice[] {
  const records: DnsRecordAdvice[] = [
    {
      name: `autoconfig.${domain.name}`,
      type: "CNAME",
      value: `${facteurHost}.`,
      why: {
        fr: "Thunderbird et les clients compatibles lisent https://autoconfig.<domaine>/mail/config-v1.1.xml (certificat TLS requis pour ce nom).",
        en: "Thunderbird and compatible clients read https://autoconfig.<domain>/mail/config-v1.1.xml (a TLS certificate is needed for this name).",
      },
    },
    {
      name: `autodiscover.${domain.name}`,
      type: "CNAME",
      value: `${facteurHost}.`,
      why: {
        fr: "Outlook envoie sa requête Autodiscover à https://autodiscover.<domaine>/autodiscover/autodiscover.xml (certificat TLS requis).",
        en: "Outlook posts its Autodiscover request to https://autodiscover.<domain>/autodiscover/autodiscover.xml (a TLS certificate is needed).",
      },
    },
    {
      name: `_autodiscover._tcp.${domain.name}`,
      type: "SRV",
      value: `0 0 ${AUTODISCOVER_SRV_PORT} ${facteurHost}.`,
      why: {
        fr: "Repli d'Outlook quand autodiscover.<domaine> ne répond pas.",
        en: "Outlook's fallback when autodiscover.<domain> does not answer.",
      },
    },
  ];
  const servers = [...domain.incoming, ...domain.outgoing];
  for (const service of SRV_SERVICES) {
    const match = servers.find((s) => s.protocol === service.protocol && s.security === service.security);
    records.push({
      name: `${service.label}.${domain.name}`,
      type: "SRV",
      // A target of "." says "not offered" (RFC 2782, RFC 6186 §3.4).
      value: match ? `${SRV_PRIORITY[service.security]} 1 ${match.port} ${match.host}.` : "0 0 0 .",
      why: match
        ? {
            fr: "RFC 6186 / RFC 8314 : où trouver ce service.",
            en: "RFC 6186 / RFC 8314: where this service is.",
          }
        : {
            fr: "Service non proposé : le dire évite aux clients de le chercher.",
            en: "Service not offered: saying so spares clients a search.",
          },
    });
  }
  return records;
}

function normalize(value: string): string {
  return value.toLowerCase().replace(/\s+/g, " ").trim();
}

/** Compares each record with what the resolver answers now. */
export async function checkPublishedRecords(
  records: DnsRecordAdvice[],
  resolver: MailDnsResolver,
): Promise<DnsRecordCheck[]> {
  return Promise.all(
    records.map(async (record): Promise<DnsRecordCheck> => {
      try {
        const found =
          record.type === "CNAME"
            ? (await orEmpty(resolver.resolveCname(record.name))).map((c) => `${c.replace(/\.$/, "")}.`)
            : (await orEmpty(resolver.resolveSrv(record.name))).map(
                (s) =>
                  `${s.priority} ${s.weight} ${s.port} ${s.name ? `${s.name.replace(/\.$/, "")}.` : "."}`,
              );
        if (found.length === 0) return { ...record, status: "missing", found };
        const wanted = normalize(record.value);
        const same =
          record.type === "CNAME"
            ? found.some((f) => normalize(f) === wanted)
            : found.some((f) => sameSrvTarget(f, wanted));
        return { ...record, status: same ? "ok" : "different", found };
      } catch (error) {
        return {
          ...record,
          status: "error",
          found: [error instanceof Error ? error.message : String(error)],
        };
      }
    }),
  );
}

/** Same port and target; priority and weight are the admin's choice. */
function sameSrvTarget(found: string, wanted: string): boolean {
  const [, , fPort, fTarget] = normalize(found).split(" ");
  const [, , wPort, wTarget] = wanted.split(" ");
  return fPort === wPort && (fTarget === wTarget || (wTarget === "." && (fTarget === "." || fTarget === "")));
}

/** Zone-file lines, ready to paste. */
export function zoneFileLines(records: DnsRecordAdvice[], ttlSeconds = 3600): string[] {
  return records.map((r) => `${r.name}. ${ttlSeconds} IN ${r.type} ${r.value}`);
}
