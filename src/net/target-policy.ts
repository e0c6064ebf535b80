import type { LookupAddress } from "node:dns";
import net from "node:net";
import type { Logger } from "pino";
import type { Config } from "../config/config.js";
import { FacteurError } from "../domain/errors.js";
import { hostAddressReader, type HostAddressSource } from "./host-addresses.js";
import { ConnectionBudget, type BudgetLimits } from "./target-budget.js";
import { decideTarget, parsePorts, parseTargetRule, type TargetRuleSet } from "./target-rules.js";

/**
 * The one target policy of every outbound connection Facteur opens (DESIGN.md, "Trust boundaries"): a host
 * is resolved once (A and AAAA), every address is judged (built-in categories, FACTEUR_TARGETS_DENY,
 * FACTEUR_TARGETS_ALLOW, FACTEUR_TARGET_PORTS), the connection budget is taken, and the socket is opened to
 * the address that was judged — never to the name again, so a DNS answer that changes between check and
 * connect (rebinding) cannot move the connection elsewhere.
 */

/**
 * Every kind of outbound connection, in one list: a new kind must be added here (and to the tests that
 * walk this list, test/security/target-policy*.test.ts) before it can connect anywhere.
 * `privateOpen`: RFC 1918 / ULA addresses are open by default (an organisation's relay often lives there)
 * for settings an admin typed, closed for discovery, which follows names published by any domain.
 * `rate`: counts against the per-minute budgets (sending is bounded by its pool instead).
 * `maxWaitMs`: how long a connection may wait for a budget slot before it is refused.
 * `ports`: null follows FACTEUR_TARGET_PORTS; a list is the fixed port(s) the kind's protocol uses.
 */
export const CONNECTION_KINDS = {
  diagnostics: { privateOpen: true, rate: true, maxWaitMs: 5_000, ports: null }, // ad-hoc test (API, CLI)
  "server-test": { privateOpen: true, rate: true, maxWaitMs: 5_000, ports: null }, // test of a stored server
  bulk: { privateOpen: true, rate: true, maxWaitMs: 120_000, ports: null }, // a bulk run waits its turn
  confirmation: { privateOpen: true, rate: true, maxWaitMs: 5_000, ports: null },
  sending: { privateOpen: true, rate: false, maxWaitMs: 0, ports: null },
  "discovery-probe": { privateOpen: false, rate: true, maxWaitMs: 1_000, ports: null },
  // The autoconfig fetch: port 443 only, whatever FACTEUR_TARGET_PORTS says (Thunderbird's autoconfig URLs are
  // https; no other kind reaches 443). Only admins trigger it (a read key's guide has no network, routes/clients.ts);
  // FACTEUR_TARGETS_DENY=0.0.0.0/0:443,::/0:443 turns it off.
  "discovery-fetch": { privateOpen: false, rate: true, maxWaitMs: 1_000, ports: [443] },
} as const satisfies Record<
  string,
  { privateOpen: boolean; rate: boolean; maxWaitMs: number; ports: readonly number[] | null }
>;

export type ConnectionKind = keyof typeof CONNECTION_KINDS;
export const CONNECTION_KIND_NAMES = Object.keys(CONNECTION_KINDS) as ConnectionKind[];

/** The mail ports: SMTP relay/submission (25, 587, 2525, 465) and IMAP/POP3 with their TLS ports. */
export const DEFAULT_TARGET_PORTS = "25,465,587,2525,110,995,143,993";
export const DNS_TIMEOUT_MS = 10_000; // getaddrinfo has no deadline of its own
export const CONNECT_TIMEOUT_MS = 30_000; // callers with shorter waits pass their own

export type TargetRefusalCode =
  "TARGET_BLOCKED" | "TARGET_PORT_BLOCKED" | "TARGET_RATE_LIMITED" | "TARGET_PORT_SCAN_LIMITED";
export const TARGET_REFUSAL_CODES: ReadonlySet<string> = new Set<TargetRefusalCode>([
  "TARGET_BLOCKED",
  "TARGET_PORT_BLOCKED",
  "TARGET_RATE_LIMITED",
  "TARGET_PORT_SCAN_LIMITED",
]);

export interface TargetSettings extends BudgetLimits {
  allow: readonly string[];
  deny: readonly string[];
  /** Comma list of ports and ranges, or `*`. */
  ports: string;
}

/** Parses the settings; throws a plain Error naming the bad entry (the config loader reports it). */
export function parseTargetSettings(
  settings: Pick<TargetSettings, "allow" | "deny" | "ports">,
): TargetRuleSet {
  const parts = settings.ports.split(",").map(parsePorts);
  const ports = parts.every((p) => p !== null) ? parts.flat() : null; // `*` anywhere: every port
  return { allow: settings.allow.map(parseTargetRule), deny: settings.deny.map(parseTargetRule), ports };
}

function refused(
  code: TargetRefusalCode,
  meta: {
    host: string;
    address?: string;
    port: number;
    reason?: string;
    setting?: string | null;
    retryAfterMs?: number;
  },
): FacteurError {
  const { retryAfterMs, ...rest } = meta;
  return new FacteurError(code, {
    meta: {
      ...rest,
      ...(retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(retryAfterMs / 1_000) }),
    },
  });
}

/** What the log says about a refused connection (never the peer's data: nothing was read from it). */
export interface RefusalEvent {
  kind: ConnectionKind;
  code: TargetRefusalCode;
  host: string;
  address: string;
  port: number;
  reason?: string | undefined;
}

export class TargetPolicy {
  readonly rules: TargetRuleSet;
  private readonly budget: ConnectionBudget;
  private readonly onRefusal: (event: RefusalEvent) => void;
  /** This machine's own interface addresses, judged as loopback (src/net/host-addresses.ts). */
  private readonly hostAddresses: () => ReadonlySet<string>;

  constructor(
    settings: TargetSettings,
    options: {
      clock?: () => number;
      onRefusal?: (event: RefusalEvent) => void;
      /** Tests: the addresses to treat as this host's own (default: os.networkInterfaces()). */
      hostAddresses?: HostAddressSource;
    } = {},
  ) {
    this.rules = parseTargetSettings(settings);
    this.budget = new ConnectionBudget(settings, options.clock ?? Date.now);
    this.onRefusal = options.onRefusal ?? (() => {});
    this.hostAddresses = hostAddressReader(options.hostAddresses);
  }

  /** Records a refusal (audit log) for callers that judged addresses with `decide` before connecting. */
  report(event: RefusalEvent): void {
    this.onRefusal(event);
  }

  /** Null when `kind` may connect to this resolved address and port, else the refusal (not thrown). */
  decide(kind: ConnectionKind, address: string, port: number) {
    const spec = CONNECTION_KINDS[kind];
    const rules =
      spec.ports === null
        ? this.rules
        : { ...this.rules, ports: spec.ports.map((p) => ({ from: p, to: p })) };
    return decideTarget(address, port, rules, {
      privateOpen: spec.privateOpen,
      hostAddresses: this.hostAddresses(),
    });
  }

  /**
   * Judges one resolved address and takes a budget slot for it, waiting up to the kind's maxWaitMs;
   * throws a coded FacteurError (TARGET_*) when refused. Call right before connecting to that address.
   */
  async admit(kind: ConnectionKind, address: string, port: number, host = address): Promise<void> {
    const refusal = this.decide(kind, address, port);
    if (refusal) {
      this.report({ kind, code: refusal.code, host, address, port, reason: refusal.reason });
      throw refused(refusal.code, { host, address, port, reason: refusal.reason, setting: refusal.setting });
    }
    const spec = CONNECTION_KINDS[kind];
    const deadline = Date.now() + spec.maxWaitMs;
    for (;;) {
      const over = this.budget.take(address, port, spec.rate);
      if (!over) return;
      const left = deadline - Date.now();
      if (over.code === "TARGET_PORT_SCAN_LIMITED" || over.retryAfterMs > left) {
        this.report({ kind, code: over.code, host, address, port, reason: over.setting });
        throw refused(over.code, {
          host,
          address,
          port,
          setting: over.setting,
          retryAfterMs: over.retryAfterMs,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, over.retryAfterMs));
    }
  }

  /** Every address of `host` (an IP literal is its own answer), in resolver order. */
  async resolve(host: string, timeoutMs = DNS_TIMEOUT_MS): Promise<string[]> {
    const bare = host.replace(/^\[|\]$/g, "");
    if (net.isIP(bare)) return [bare];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error(`DNS lookup of ${host} timed out`), { code: "EAI_AGAIN" })),
        timeoutMs,
      );
    });
    try {
      // node:dns/promises is loaded on the first name to resolve (an IP literal never needs it).
      const { lookup } = process.getBuiltinModule("node:dns/promises");
      const found: LookupAddress[] = await Promise.race([
        lookup(bare, { all: true, verbatim: true }),
        deadline,
      ]);
      return found.map((a) => a.address);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Resolves, judges, takes the budget and opens a TCP connection to the first permitted address (the
   * judged one: no second lookup). Throws the coded refusal of the first address when none is permitted.
   */
  async connect(
    kind: ConnectionKind,
    host: string,
    port: number,
    options: { timeoutMs?: number; noDelay?: boolean } = {},
  ): Promise<{ socket: net.Socket; address: string }> {
    const addresses = await this.resolve(host);
    const permitted = addresses.filter((a) => this.decide(kind, a, port) === null);
    const address = permitted[0] ?? addresses[0] ?? host;
    await this.admit(kind, address, port, host);
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const raw = net.connect({ host: address, port, noDelay: options.noDelay ?? false });
      const timer = setTimeout(() => {
        raw.destroy();
        reject(Object.assign(new Error("Connection timeout"), { code: "ETIMEDOUT" }));
      }, options.timeoutMs ?? CONNECT_TIMEOUT_MS);
      raw.once("connect", () => {
        clearTimeout(timer);
        raw.removeAllListeners("error");
        resolve(raw);
      });
      raw.once("error", (error) => {
        clearTimeout(timer);
        raw.destroy();
        reject(error);
      });
    });
    return { socket, address };
  }

  /**
   * A `lookup` for node:http(s) requests (the autoconfig fetch): Node connects to the address this returns,
   * so the check runs on the address actually dialled. IP-literal URLs skip `lookup`: callers check them first.
   */
  lookupFor(kind: ConnectionKind, port: number): net.LookupFunction {
    return (hostname, options, callback) => {
      this.resolve(hostname)
        .then(async (addresses) => {
          const address =
            addresses.find((a) => this.decide(kind, a, port) === null) ?? addresses[0] ?? hostname;
          await this.admit(kind, address, port, hostname);
          const family = net.isIP(address);
          // With autoSelectFamily (Node ≥ 20 default) the socket asks for every address: it gets the judged one.
          if ((options as { all?: boolean }).all)
            (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
              { address, family },
            ]);
          else callback(null, address, family);
        })
        .catch((error: NodeJS.ErrnoException) => callback(error, "", 4));
    };
  }
}

export function targetSettingsOf(config: Pick<Config, "targets">): TargetSettings {
  return config.targets;
}

const POLICIES = new WeakMap<object, TargetPolicy>();

/**
 * The policy of a configuration, with its budget: one per loaded configuration, so per process in
 * production (`serve` and its in-process worker share it; a separate `facteur worker` has its own).
 */
export function targetPolicy(ctx: { config: Config; logger?: Logger }): TargetPolicy {
  let policy = POLICIES.get(ctx.config);
  if (!policy) {
    const { logger } = ctx;
    policy = new TargetPolicy(targetSettingsOf(ctx.config), {
      // Warn: a refusal is either a typo an admin will see in the result, or someone probing the network.
      onRefusal: (event) => logger?.warn(event, "outbound connection refused by the target policy"),
    });
    POLICIES.set(ctx.config, policy);
  }
  return policy;
}
