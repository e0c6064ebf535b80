import { Resolver } from "node:dns/promises";

/**
 * The DNS reads discovery needs, behind an interface so tests point it at a DNS server on 127.0.0.1
 * (`createMailResolver(["127.0.0.1:5353"])`) and never at the public internet.
 */
export interface SrvAnswer {
  name: string;
  port: number;
  priority: number;
  weight: number;
}
export interface MxAnswer {
  exchange: string;
  priority: number;
}

export interface MailDnsResolver {
  resolveSrv(name: string): Promise<SrvAnswer[]>;
  resolveMx(name: string): Promise<MxAnswer[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  resolveCname(name: string): Promise<string[]>;
}

const DNS_QUERY_TIMEOUT_MS = 1_500; // one try per server; discovery as a whole must end within 5 s
const DNS_TRIES = 1;

/** A node:dns Resolver; `servers` like `["127.0.0.1:5353"]`, default the system's. */
export function createMailResolver(servers?: string[]): MailDnsResolver {
  const resolver = new Resolver({ timeout: DNS_QUERY_TIMEOUT_MS, tries: DNS_TRIES });
  if (servers && servers.length > 0) resolver.setServers(servers);
  return resolver;
}

/** "No such record" answers, as opposed to a failing server. */
export function isNoData(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === "ENODATA" || code === "ENOTFOUND" || code === "ENONAME" || code === "NXDOMAIN";
}

/** Runs a DNS read and turns "no such record" into an empty list; other failures propagate. */
export async function orEmpty<T>(query: Promise<T[]>): Promise<T[]> {
  try {
    return await query;
  } catch (error) {
    if (isNoData(error)) return [];
    throw error;
  }
}
