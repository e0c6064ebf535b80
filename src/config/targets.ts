import { DEFAULT_TARGET_PORTS, parseTargetSettings } from "../net/target-policy.js";
import { invalidConfiguration, type ConfigIssue } from "./invalid.js";

/**
 * The outbound target policy settings (src/net/target-policy.ts), read by the one config loader.
 *
 * - FACTEUR_TARGETS_ALLOW: comma list of `CIDR` or `CIDR:ports` (ports `*`, `N`, `N-M`, several joined by
 *   `|`; IPv6 with a port in brackets: `[::1]:*`). An entry opens only addresses inside its own range, so
 *   loopback (127.0.0.0/8, ::1), link-local (169.254.0.0/16, fe80::/10), the special-purpose ranges
 *   (documentation, benchmarking; src/net/target-rules.ts), the cloud metadata addresses (169.254.169.254,
 *   100.100.100.200, fd00:ec2::254) and the host's own interface addresses (each its own /32 or /128) must
 *   each be named to open.
 *   With ports, the entry also opens those ports for that range. Default: empty.
 * - FACTEUR_TARGETS_DENY: same form; refuses matching addresses (and ports) whatever else allows them.
 * - FACTEUR_TARGET_PORTS: ports any allowed address may be reached on; default the mail ports
 *   25,465,587,2525,110,995,143,993; `*` for every port. The autoconfig fetch of discovery uses 443 only.
 * - FACTEUR_TARGET_RATE (600), FACTEUR_TARGET_RATE_PER_TARGET (60): new connections per minute, all targets /
 *   one address:port, counted per process; FACTEUR_TARGET_PORTS_PER_HOST (10): distinct ports of one address
 *   per 10 minutes. 0 turns a budget off.
 * - FACTEUR_ALLOW_PRIVATE_TARGETS (deprecated alias): its CIDRs are added to FACTEUR_TARGETS_ALLOW.
 */
export interface TargetsConfig {
  allow: string[];
  deny: string[];
  ports: string;
  perMinute: number;
  perTargetPerMinute: number;
  portsPerHost: number;
}

/** The settings as read (strings from the environment; numbers from a test's overrides). */
export interface RawTargets {
  allow: readonly string[];
  deny: readonly string[];
  ports: string;
  perMinute: string | number;
  perTargetPerMinute: string | number;
  portsPerHost: string | number;
}

/**
 * A budget: a whole number, 0 or more. The messages are those the config loader gave when zod checked these
 * keys (`z.coerce.number().int().min(0)`), so that an error reads the same whichever loader found it.
 */
function budget(value: string | number): number | string[] {
  const n = Number(value);
  if (!Number.isFinite(n)) return [`Invalid input: expected number, received ${n}`];
  if (!Number.isInteger(n)) return ["Invalid input: expected int, received number"];
  const issues: string[] = [];
  if (n > Number.MAX_SAFE_INTEGER) issues.push(`Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}`);
  if (n < -Number.MAX_SAFE_INTEGER)
    issues.push(`Too small: expected int to be >=-${Number.MAX_SAFE_INTEGER}`);
  if (n < 0) issues.push("Too small: expected number to be >=0");
  return issues.length > 0 ? issues : n;
}

/**
 * The one check of the target settings, without zod: the config loader (src/config/config.ts) runs it inside
 * its schema and `facteur test` (src/cli/commands/diagnostics-run.ts) through loadTargets. Issue paths are
 * relative to `targets`; a bad allow/deny/ports entry is reported on `targets` itself (the first one found).
 */
export function parseTargets(raw: RawTargets): { value: TargetsConfig } | { issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  if (raw.ports.length < 1)
    issues.push({ path: ["ports"], message: "Too small: expected string to have >=1 characters" });
  const numbers = { perMinute: 0, perTargetPerMinute: 0, portsPerHost: 0 };
  for (const key of ["perMinute", "perTargetPerMinute", "portsPerHost"] as const) {
    const n = budget(raw[key]);
    if (typeof n === "number") numbers[key] = n;
    else issues.push(...n.map((message) => ({ path: [key], message })));
  }
  try {
    parseTargetSettings(raw);
  } catch (error) {
    issues.push({ path: [], message: (error as Error).message });
  }
  if (issues.length > 0) return { issues };
  return { value: { allow: [...raw.allow], deny: [...raw.deny], ports: raw.ports, ...numbers } };
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Raw target settings from the environment; checked by parseTargets. */
export function readTargets(env: NodeJS.ProcessEnv): RawTargets {
  return {
    allow: [...list(env.FACTEUR_TARGETS_ALLOW), ...list(env.FACTEUR_ALLOW_PRIVATE_TARGETS)],
    deny: list(env.FACTEUR_TARGETS_DENY),
    ports: env.FACTEUR_TARGET_PORTS || DEFAULT_TARGET_PORTS,
    perMinute: env.FACTEUR_TARGET_RATE || "600",
    perTargetPerMinute: env.FACTEUR_TARGET_RATE_PER_TARGET || "60",
    portsPerHost: env.FACTEUR_TARGET_PORTS_PER_HOST || "10",
  };
}

/**
 * The target settings alone, for a command that needs nothing else of the configuration (`facteur test`):
 * the same check and the same error as loadConfig gives for these keys, without loading zod.
 */
export function loadTargets(env: NodeJS.ProcessEnv = process.env): TargetsConfig {
  const parsed = parseTargets(readTargets(env));
  if ("issues" in parsed)
    throw invalidConfiguration(parsed.issues.map((i) => ({ ...i, path: ["targets", ...i.path] })));
  return parsed.value;
}
