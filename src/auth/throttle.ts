import { isIPv4, isIPv6 } from "node:net";
import type { AppContext } from "../app/context.js";
import { FacteurError } from "../domain/errors.js";
import {
  decrementThrottleFailures,
  deleteDevicesExpiredBefore,
  deleteThrottleCounter,
  deleteThrottleCountersBefore,
  insertDevice,
  lockThrottleCounters,
  restoreBlockedUntil,
  selectDeviceExpiry,
  setThrottleCounter,
} from "./throttle.repository.js";
import { hashToken, randomToken } from "./tokens.js";

/**
 * Login throttling, stored in the database so every web process shares it. Only failures count; three
 * counters are kept (design and reasons in docs/SECURITY.md, "Sign-in throttling"):
 *
 * - per (account, client): the guessing budget of one address against one account. After `threshold`
 *   failures each new failure doubles the wait before the next attempt (1 s, 2 s, 4 s… capped). A success
 *   resets it. A browser holding a device cookie of the account (set at its last successful sign-in) gets
 *   its own (account, device) counter instead, so an attacker sharing the admin's address (same NAT, same
 *   untrusted proxy) cannot hold the admin back.
 * - per client (all accounts): stops one address spraying many accounts. Skipped with a device cookie.
 * - per account (all clients): never blocks by itself. When an account collects many failures from many
 *   addresses (a distributed attack), every (account, client) counter switches to "wait after the first
 *   failure" — each attacking address gets one guess and then waits — while an address with no failure of
 *   its own still gets its attempt at once: the real admin is slowed at worst, never locked out.
 *
 * An attempt is counted as a failure *before* the password is checked (and given back on success), inside a
 * transaction that serialises attempts on the same counters: parallel requests cannot overtake the count.
 */
export interface ThrottlePolicy {
  /** Failures allowed before any wait. */
  threshold: number;
  /** Wait after the `threshold`-th failure; doubles with each further failure. */
  baseMs: number;
  capMs: number;
  /** A counter with no failure for this long starts again from zero. */
  forgetMs: number;
}

export const PAIR_POLICY: ThrottlePolicy = {
  threshold: 5,
  baseMs: 1_000,
  capMs: 15 * 60_000,
  forgetMs: 24 * 3_600_000,
};
export const CLIENT_POLICY: ThrottlePolicy = {
  threshold: 20,
  baseMs: 1_000,
  capMs: 15 * 60_000,
  forgetMs: 24 * 3_600_000,
};
/** Failures on one account (from every client) within `forgetMs` that switch it to "under attack". */
export const ACCOUNT_POLICY: ThrottlePolicy = {
  threshold: 30,
  baseMs: 0,
  capMs: 0,
  forgetMs: 3_600_000,
};
/** (account, client) threshold while the account is under attack. */
export const UNDER_ATTACK_PAIR_THRESHOLD = 1;

export const DEVICE_COOKIE = "facteur_device";
export const DEVICE_TTL_MS = 30 * 86_400_000;
export const DEVICE_COOKIE_PATH = "/api/v1/auth/login";

/** Wait imposed after `failures` failures under `threshold` (0 while below it). */
export function delayAfter(failures: number, policy: ThrottlePolicy, threshold = policy.threshold): number {
  if (failures < threshold || policy.capMs === 0) return 0;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(30, failures - threshold));
}

/**
 * The address a client is counted under: an IPv4 address as is (IPv4-mapped IPv6 unwrapped), an IPv6
 * address by its /64 (one subscriber routinely holds a whole /64, so rotating inside it gives nothing).
 */
export function clientKeyOf(ip: string): string {
  let address = ip.split("%")[0] ?? ip;
  if (address.toLowerCase().startsWith("::ffff:") && isIPv4(address.slice(7))) address = address.slice(7);
  if (!isIPv6(address)) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4 forms other than the mapped one) only affects the last 32 bits.
  const missing = 8 - left.length - right.length;
  const groups = address.includes("::") ? [...left, ...Array<string>(Math.max(0, missing)).fill("0")] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || "0", 16).toString(16))
    .join(":")}::/64`;
}

export function accountHashOf(email: string): string {
  return hashToken(email.trim().toLowerCase());
}

interface CounterSpec {
  key: string;
  policy: ThrottlePolicy;
  threshold: number;
  /** Whether this counter can hold an attempt back (the account-wide one never does). */
  blocks: boolean;
}

interface Reserved {
  key: string;
  /** blocked_until written by the reservation, so a success can give it back only if still ours. */
  wroteBlockedUntil: string | null;
  previousBlockedUntil: string | null;
  resetOnSuccess: boolean;
}

export interface LoginAttempt {
  /** The password was right: reset this client's counter for the account, give back the others' count. */
  succeeded(): Promise<{ deviceToken: string | null }>;
}

async function validDevice(ctx: AppContext, token: string | undefined, accountHash: string) {
  if (!token || token.length > 100) return false;
  const expiresAt = await selectDeviceExpiry(ctx.db, hashToken(token), accountHash);
  return expiresAt !== undefined && expiresAt > ctx.now().toISOString();
}

/**
 * Counts a sign-in attempt before the password is checked, or refuses it with LOGIN_THROTTLED
 * (`meta.retryAfterSeconds`) when one of its counters says wait. Refused attempts are not counted.
 */
export async function beginLoginAttempt(
  ctx: AppContext,
  input: { email: string; clientIp: string; deviceToken: string | undefined },
): Promise<LoginAttempt> {
  const now = ctx.now();
  const nowIso = now.toISOString();
  const accountHash = accountHashOf(input.email);
  const client = clientKeyOf(input.clientIp);
  const device = await validDevice(ctx, input.deviceToken, accountHash);
  const accountKey = `account:${accountHash}`;
  const pairKey = device
    ? `device:${hashToken(input.deviceToken ?? "")}`
    : `pair:${accountHash}:${hashToken(client).slice(0, 32)}`;
  const clientKey = `client:${hashToken(client).slice(0, 32)}`;

  const reserved = await ctx.db.transaction().execute(async (trx) => {
    const keys = [accountKey, pairKey, ...(device ? [] : [clientKey])];
    const rows = await lockThrottleCounters(trx, ctx.dialect, keys, nowIso);
    const live = (key: string, policy: ThrottlePolicy) => {
      const row = rows.get(key);
      const last = row ? Date.parse(row.last_failure_at) : 0;
      if (!row || last + policy.forgetMs <= now.getTime()) return { failures: 0, last, blockedUntil: null };
      return { failures: row.failures, last, blockedUntil: row.blocked_until };
    };
    const underAttack = live(accountKey, ACCOUNT_POLICY).failures >= ACCOUNT_POLICY.threshold;
    const specs: CounterSpec[] = [
      { key: accountKey, policy: ACCOUNT_POLICY, threshold: ACCOUNT_POLICY.threshold, blocks: false },
      {
        key: pairKey,
        policy: PAIR_POLICY,
        threshold: underAttack && !device ? UNDER_ATTACK_PAIR_THRESHOLD : PAIR_POLICY.threshold,
        blocks: true,
      },
      ...(device
        ? []
        : [{ key: clientKey, policy: CLIENT_POLICY, threshold: CLIENT_POLICY.threshold, blocks: true }]),
    ];
    let waitMs = 0;
    for (const spec of specs) {
      if (!spec.blocks) continue;
      const { failures, last, blockedUntil } = live(spec.key, spec.policy);
      // The stored wait, or the one the current threshold implies (it drops while the account is attacked).
      const until = Math.max(
        blockedUntil ? Date.parse(blockedUntil) : 0,
        last + delayAfter(failures, spec.policy, spec.threshold),
      );
      waitMs = Math.max(waitMs, until - now.getTime());
    }
    if (waitMs > 0) return { waitMs, counters: [] as Reserved[] };
    const out: Reserved[] = [];
    for (const spec of specs) {
      const { failures, blockedUntil } = live(spec.key, spec.policy);
      const delay = delayAfter(failures + 1, spec.policy, spec.threshold);
      const wrote = delay > 0 ? new Date(now.getTime() + delay).toISOString() : null;
      await setThrottleCounter(trx, spec.key, {
        failures: failures + 1,
        last_failure_at: nowIso,
        blocked_until: wrote,
      });
      out.push({
        key: spec.key,
        wroteBlockedUntil: wrote,
        previousBlockedUntil: blockedUntil,
        resetOnSuccess: spec.key === pairKey,
      });
    }
    return { waitMs: 0, counters: out };
  });

  if (reserved.waitMs > 0) {
    throw new FacteurError("LOGIN_THROTTLED", {
      meta: { retryAfterSeconds: Math.max(1, Math.ceil(reserved.waitMs / 1_000)) },
    });
  }
  return {
    async succeeded() {
      await ctx.db.transaction().execute(async (trx) => {
        for (const counter of reserved.counters) {
          if (counter.resetOnSuccess) {
            await deleteThrottleCounter(trx, counter.key);
            continue;
          }
          await decrementThrottleFailures(trx, counter.key);
          if (counter.wroteBlockedUntil !== null)
            await restoreBlockedUntil(
              trx,
              counter.key,
              counter.wroteBlockedUntil,
              counter.previousBlockedUntil,
            );
        }
      });
      await forgetOldCounters(ctx);
      if (device) return { deviceToken: null };
      const deviceToken = randomToken();
      await insertDevice(ctx.db, {
        token_hash: hashToken(deviceToken),
        account_hash: accountHash,
        created_at: nowIso,
        expires_at: new Date(now.getTime() + DEVICE_TTL_MS).toISOString(),
      });
      return { deviceToken };
    },
  };
}

/** Drops counters with no failure for a day and expired device cookies (run after each success). */
export async function forgetOldCounters(ctx: AppContext): Promise<void> {
  const now = ctx.now().getTime();
  const horizon = Math.max(PAIR_POLICY.forgetMs, CLIENT_POLICY.forgetMs, ACCOUNT_POLICY.forgetMs);
  await deleteThrottleCountersBefore(ctx.db, new Date(now - horizon).toISOString());
  await deleteDevicesExpiredBefore(ctx.db, new Date(now).toISOString());
}
