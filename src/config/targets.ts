import { z } from "zod";
import { DEFAULT_TARGET_PORTS, parseTargetSettings } from "../net/target-policy.js";

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
export const TargetsConfigSchema = z
  .object({
    allow: z.array(z.string()),
    deny: z.array(z.string()),
    ports: z.string().min(1),
    perMinute: z.coerce.number().int().min(0),
    perTargetPerMinute: z.coerce.number().int().min(0),
    portsPerHost: z.coerce.number().int().min(0),
  })
  .superRefine((value, issue) => {
    try {
      parseTargetSettings(value);
    } catch (error) {
      issue.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Raw target settings from the environment; validated by TargetsConfigSchema. */
export function readTargets(env: NodeJS.ProcessEnv) {
  return {
    allow: [...list(env.FACTEUR_TARGETS_ALLOW), ...list(env.FACTEUR_ALLOW_PRIVATE_TARGETS)],
    deny: list(env.FACTEUR_TARGETS_DENY),
    ports: env.FACTEUR_TARGET_PORTS || DEFAULT_TARGET_PORTS,
    perMinute: env.FACTEUR_TARGET_RATE || "600",
    perTargetPerMinute: env.FACTEUR_TARGET_RATE_PER_TARGET || "60",
    portsPerHost: env.FACTEUR_TARGET_PORTS_PER_HOST || "10",
  };
}
