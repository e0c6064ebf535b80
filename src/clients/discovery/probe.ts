import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import type { MailProtocol, SecurityMode } from "../../domain/ports.js";
import { rankServers, type MailSettings, type ServerSettings } from "../model.js";
import { orEmpty, type MailDnsResolver } from "./dns.js";
import { TargetPolicy } from "../../net/target-policy.js";

/**
 * Last resort of discovery: try the usual host names and ports and listen for a mail greeting.
 * Bounded (few attempts, a small pool, short timeouts) and only when the caller asked for it.
 */
export const PROBE_CONNECT_TIMEOUT_MS = 1_200; // a reachable mail server answers in well under a second
export const PROBE_GREETING_TIMEOUT_MS = 1_500; // greeting + capability round trip
export const PROBE_CONCURRENCY = 6; // parallel attempts; polite to the target, fast enough for < 5 s

interface Candidate {
  protocol: MailProtocol;
  prefixes: string[];
  ports: Array<{ port: number; security: SecurityMode }>;
}

/** Host prefixes and ports clients guess (Thunderbird's guessConfig does the same), implicit TLS first. */
export const PROBE_CANDIDATES: readonly Candidate[] = [
  {
    protocol: "imap",
    prefixes: ["imap", "mail"],
    ports: [
      { port: 993, security: "tls" },
      { port: 143, security: "starttls" },
    ],
  },
  {
    protocol: "pop3",
    prefixes: ["pop", "mail"],
    ports: [
      { port: 995, security: "tls" },
      { port: 110, security: "starttls" },
    ],
  },
  {
    protocol: "smtp",
    prefixes: ["smtp", "mail"],
    ports: [
      { port: 465, security: "tls" },
      { port: 587, security: "starttls" },
    ],
  },
];

const GREETING: Record<MailProtocol, RegExp> = {
  imap: /^\* (OK|PREAUTH)\b/i,
  pop3: /^\+OK\b/,
  smtp: /^220[ -]/,
};
const CAPABILITY_COMMAND: Record<MailProtocol, string> = {
  imap: "a1 CAPABILITY\r\n",
  pop3: "CAPA\r\n",
  smtp: "EHLO facteur.invalid\r\n",
};
const CAPABILITY_END: Record<MailProtocol, RegExp> = {
  imap: /^a1 /im,
  pop3: /^\.\r?$|^-ERR/m,
  smtp: /^\d{3} /m,
};
const GOODBYE: Record<MailProtocol, string> = { imap: "a2 LOGOUT\r\n", pop3: "QUIT\r\n", smtp: "QUIT\r\n" };

export interface ProbeAttempt {
  protocol: MailProtocol;
  host: string;
  port: number;
  security: SecurityMode;
  outcome:
    | "ok"
    | "no-starttls"
    | "refused"
    | "timeout"
    | "not-mail"
    | "no-address"
    | "forbidden-address"
    | "rate-limited";
  /** For implicit TLS: whether the certificate is valid for the host (RFC 8314 §5.3). */
  certificateValid?: boolean;
}

export interface ProbeOptions {
  resolver: MailDnsResolver;
  signal: AbortSignal;
  /** Maps a standard port to the port actually dialled (tests run listeners on ephemeral ports). */
  portMap?: Partial<Record<number, number>>;
  /**
   * The target policy (kind `discovery-probe`: private ranges closed unless FACTEUR_TARGETS_ALLOW names
   * them); default: the built-in policy with no allow entries.
   */
  policy?: TargetPolicy;
  candidates?: readonly Candidate[];
}

/** Reads until `done(buffer)` or the timeout; resolves with what arrived. */
function readUntil(socket: Socket, done: (text: string) => boolean, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const finish = () => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", finish);
      socket.off("error", finish);
      resolve(text);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      if (done(text) || text.length > 16_384) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", onData);
    socket.once("close", finish);
    socket.once("error", finish);
  });
}

function openSocket(
  address: string,
  port: number,
  host: string,
  security: SecurityMode,
): Promise<{ socket: Socket; certificateValid?: boolean } | "refused" | "timeout"> {
  return new Promise((resolve) => {
    const tls = security === "tls";
    // rejectUnauthorized is off so a self-signed server is still found; validity is reported instead.
    const socket: Socket = tls
      ? tlsConnect({ host: address, port, servername: host, rejectUnauthorized: false })
      : netConnect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve("timeout");
    }, PROBE_CONNECT_TIMEOUT_MS);
    socket.once(tls ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      const certificateValid = tls ? (socket as import("node:tls").TLSSocket).authorized : undefined;
      resolve(certificateValid === undefined ? { socket } : { socket, certificateValid });
    });
    socket.once("error", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve("refused");
    });
  });
}

async function attempt(
  protocol: MailProtocol,
  host: string,
  address: string,
  port: { port: number; security: SecurityMode },
  options: ProbeOptions,
): Promise<ProbeAttempt> {
  const base = { protocol, host, port: port.port, security: port.security };
  const dialled = options.portMap?.[port.port] ?? port.port;
  try {
    // Judged again and counted right before connecting, on the address dialled (no second lookup).
    await policyOf(options).admit("discovery-probe", address, dialled, host);
  } catch {
    return {
      ...base,
      outcome: policyOf(options).decide("discovery-probe", address, dialled)
        ? "forbidden-address"
        : "rate-limited",
    };
  }
  const opened = await openSocket(address, dialled, host, port.security);
  if (opened === "refused" || opened === "timeout") return { ...base, outcome: opened };
  const { socket } = opened;
  try {
    const greeting = await readUntil(socket, (t) => t.includes("\n"), PROBE_GREETING_TIMEOUT_MS);
    if (!GREETING[protocol].test(greeting)) return { ...base, outcome: greeting ? "not-mail" : "timeout" };
    const certificate =
      opened.certificateValid === undefined ? {} : { certificateValid: opened.certificateValid };
    if (port.security === "tls") return { ...base, outcome: "ok", ...certificate };
    let capabilities = greeting;
    if (!/STARTTLS|\bSTLS\b/i.test(greeting)) {
      socket.write(CAPABILITY_COMMAND[protocol]);
      capabilities = await readUntil(
        socket,
        (t) => CAPABILITY_END[protocol].test(t),
        PROBE_GREETING_TIMEOUT_MS,
      );
    }
    const offersTls = protocol === "pop3" ? /^STLS\b/im.test(capabilities) : /STARTTLS/i.test(capabilities);
    return { ...base, outcome: offersTls ? "ok" : "no-starttls" };
  } finally {
    if (!socket.destroyed) socket.end(GOODBYE[protocol]);
    setTimeout(() => socket.destroy(), 200).unref();
  }
}

/** Discovery without a configured policy still gets the built-in one (no loopback, private, metadata…). */
const BUILT_IN_POLICY = new TargetPolicy({
  allow: [],
  deny: [],
  ports: "*",
  perMinute: 0,
  perTargetPerMinute: 0,
  portsPerHost: 0,
});
const policyOf = (options: ProbeOptions) => options.policy ?? BUILT_IN_POLICY;

async function addressesOf(host: string, resolver: MailDnsResolver): Promise<string[]> {
  const [v4, v6] = await Promise.all([
    orEmpty(resolver.resolve4(host)).catch(() => []),
    orEmpty(resolver.resolve6(host)).catch(() => []),
  ]);
  return [...v4, ...v6];
}

/** Runs `tasks` with at most `limit` at once, stopping new ones once `signal` aborts. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number, signal: AbortSignal): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !signal.aborted) {
      const task = tasks[next++]!;
      results.push(await task());
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Probes the usual hosts/ports of `domain`; returns the settings that answered and every attempt. */
export async function probeDomain(
  domain: string,
  options: ProbeOptions,
): Promise<{ settings: MailSettings | null; attempts: ProbeAttempt[] }> {
  const candidates = options.candidates ?? PROBE_CANDIDATES;
  const hosts = [...new Set(candidates.flatMap((c) => c.prefixes.map((p) => `${p}.${domain}`)))];
  const resolved = new Map(
    await Promise.all(hosts.map(async (h) => [h, await addressesOf(h, options.resolver)] as const)),
  );
  const attempts: ProbeAttempt[] = [];
  const tasks: Array<() => Promise<ProbeAttempt>> = [];
  const planned: string[] = [];
  for (const candidate of candidates) {
    for (const prefix of candidate.prefixes) {
      const host = `${prefix}.${domain}`;
      const addresses = resolved.get(host) ?? [];
      for (const port of candidate.ports) {
        const base = { protocol: candidate.protocol, host, port: port.port, security: port.security };
        planned.push(`${candidate.protocol}|${host}|${port.port}`);
        if (addresses.length === 0) {
          attempts.push({ ...base, outcome: "no-address" });
          continue;
        }
        const dialled = options.portMap?.[port.port] ?? port.port;
        const usable = addresses
          .map((a) => ({ address: a, refusal: policyOf(options).decide("discovery-probe", a, dialled) }))
          .find((v) => v.refusal === null);
        if (!usable) {
          const refusal = policyOf(options).decide("discovery-probe", addresses[0]!, dialled)!;
          policyOf(options).report({
            kind: "discovery-probe",
            code: refusal.code,
            host,
            address: addresses[0]!,
            port: dialled,
            reason: refusal.reason,
          });
          attempts.push({ ...base, outcome: "forbidden-address" });
          continue;
        }
        tasks.push(() => attempt(candidate.protocol, host, usable.address, port, options));
      }
    }
  }
  attempts.push(...(await pool(tasks, PROBE_CONCURRENCY, options.signal)));
  // Back to candidate order (protocol, then host prefix, then port) so "first that answered" is well defined.
  const rank = (a: ProbeAttempt) => planned.indexOf(`${a.protocol}|${a.host}|${a.port}`);
  attempts.sort((a, b) => rank(a) - rank(b));
  // One entry per protocol+port: the first host prefix that answered (imap. before mail.).
  const seen = new Set<string>();
  const ok = attempts.filter((a) => {
    const key = `${a.protocol}:${a.port}`;
    if (a.outcome !== "ok" || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const toServer = (a: ProbeAttempt): ServerSettings => ({
    protocol: a.protocol,
    host: a.host,
    port: a.port,
    security: a.security,
    authentication: "password",
    username: "%EMAILADDRESS%",
  });
  const incoming = rankServers(ok.filter((a) => a.protocol !== "smtp").map(toServer));
  const outgoing = rankServers(ok.filter((a) => a.protocol === "smtp").map(toServer));
  const settings =
    incoming.length > 0 && outgoing.length > 0 ? { domain, displayName: domain, incoming, outgoing } : null;
  return { settings, attempts };
}
