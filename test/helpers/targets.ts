import { loadConfig, type Config } from "../../src/config/config.js";

/**
 * The target policy settings of the test suite: its mail servers listen on 127.0.0.1 (and ::1) on random
 * ports, which the default policy refuses (loopback closed, mail ports only, 10 ports per host per 10 min).
 * Every config a test builds, in-process or for a spawned `facteur`, carries these; test/security/target-policy*
 * tests build theirs without them to test the defaults.
 */
export const LOOPBACK_TARGETS_ENV = {
  FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*,[::1]:*",
  FACTEUR_TARGET_RATE: "0",
  FACTEUR_TARGET_RATE_PER_TARGET: "0",
  FACTEUR_TARGET_PORTS_PER_HOST: "0",
} as const;

/** A configuration holder with the test settings, for functions that take `{ config }` only. */
export function loopbackTargets(): { config: Config } {
  return { config: loadConfig({ ...LOOPBACK_TARGETS_ENV, FACTEUR_LOG_LEVEL: "silent" }) };
}
