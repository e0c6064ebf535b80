import { TargetPolicy } from "../../src/net/target-policy.js";
import { LOOPBACK_TARGETS_ENV } from "./targets.js";

/** A policy object with the test settings, for code under test that takes one directly. */
export function loopbackPolicy(): TargetPolicy {
  return policyAllowing(LOOPBACK_TARGETS_ENV.FACTEUR_TARGETS_ALLOW.split(","));
}

/** An unthrottled policy with these FACTEUR_TARGETS_ALLOW entries and every port. */
export function policyAllowing(allow: string[]): TargetPolicy {
  return new TargetPolicy({
    allow,
    deny: [],
    ports: "*",
    perMinute: 0,
    perTargetPerMinute: 0,
    portsPerHost: 0,
  });
}
