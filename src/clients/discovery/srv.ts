import type { SecurityMode } from "../../domain/ports.js";
import { rankServers, type MailSettings, type ServerSettings } from "../model.js";
import { orEmpty, type MailDnsResolver, type SrvAnswer } from "./dns.js";

/** RFC 6186 labels, with RFC 8314's `_submissions` (implicit TLS on 465). */
export const SRV_SERVICES = [
  { label: "_imaps._tcp", protocol: "imap", security: "tls" },
  { label: "_imap._tcp", protocol: "imap", security: "starttls" },
  { label: "_pop3s._tcp", protocol: "pop3", security: "tls" },
  { label: "_pop3._tcp", protocol: "pop3", security: "starttls" },
  { label: "_submissions._tcp", protocol: "smtp", security: "tls" },
  { label: "_submission._tcp", protocol: "smtp", security: "starttls" },
] as const satisfies ReadonlyArray<{ label: string; protocol: string; security: SecurityMode }>;

/** RFC 2782: lowest priority first, then the highest weight (a deterministic stand-in for weighted random). */
function best(records: SrvAnswer[]): SrvAnswer | undefined {
  return [...records].sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
}

/**
 * Settings from SRV records. A target of "." means the service is deliberately not offered (RFC 2782).
 * SRV carries host and port only: authentication is assumed to be a password and the login the full
 * address, which RFC 6186 §4 tells clients to try first.
 */
export async function settingsFromSrv(
  domain: string,
  resolver: MailDnsResolver,
): Promise<MailSettings | null> {
  const answers = await Promise.all(
    SRV_SERVICES.map(async (service) => ({
      service,
      records: await orEmpty(resolver.resolveSrv(`${service.label}.${domain}`)),
    })),
  );
  const found: Array<ServerSettings & { priority: number }> = [];
  for (const { service, records } of answers) {
    const record = best(records);
    if (!record || record.name === "" || record.name === "." || record.port === 0) continue;
    found.push({
      protocol: service.protocol,
      host: record.name.replace(/\.$/, "").toLowerCase(),
      port: record.port,
      security: service.security,
      authentication: "password",
      username: "%EMAILADDRESS%",
      priority: record.priority,
    });
  }
  const strip = ({ priority: _priority, ...s }: ServerSettings & { priority: number }): ServerSettings => s;
  // RFC 6186 §3.4: the domain states its IMAP/POP3 preference through priorities across labels.
  const incoming = found.filter((s) => s.protocol !== "smtp").sort((a, b) => a.priority - b.priority);
  const outgoing = found.filter((s) => s.protocol === "smtp");
  if (incoming.length === 0 || outgoing.length === 0) return null;
  const preferred = incoming[0]!.protocol;
  const orderedIncoming = [
    ...rankServers(incoming.filter((s) => s.protocol === preferred)),
    ...rankServers(incoming.filter((s) => s.protocol !== preferred)),
  ];
  return {
    domain,
    displayName: domain,
    incoming: orderedIncoming.map(strip),
    outgoing: rankServers(outgoing).map(strip),
  };
}
