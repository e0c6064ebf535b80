import { describe, expect, it } from "vitest";
import { TargetGuard, parseCidr } from "../../src/diagnostics/target-guard.js";

describe("SSRF guard", () => {
  const guard = new TargetGuard({ allow: [] });

  it.each([
    "169.254.169.254",
    "169.254.1.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "fe80::1",
    "fd00:ec2::254",
    "ff02::1",
    "::",
    "::ffff:169.254.169.254",
    "100.100.100.200",
  ])("refuses %s by default", (address) => {
    expect(guard.permits(address)).toBe(false);
  });

  it.each(["127.0.0.1", "::1", "10.0.0.5", "192.168.1.10", "203.0.113.9", "2001:db8::25"])(
    "allows %s (loopback, private and public)",
    (address) => {
      expect(guard.permits(address)).toBe(true);
    },
  );

  it("lets the allow-list open a blocked range", () => {
    const open = new TargetGuard({ allow: ["169.254.10.0/24", "fe80::/10"] });
    expect(open.permits("169.254.10.7")).toBe(true);
    expect(open.permits("169.254.169.254")).toBe(false);
    expect(open.permits("fe80::abcd")).toBe(true);
  });

  it("refuses names and rejects invalid CIDRs", () => {
    expect(guard.permits("metadata.google.internal")).toBe(false);
    expect(() => parseCidr("10.0.0.0/33")).toThrow();
    expect(() => parseCidr("nope")).toThrow();
    expect(parseCidr("192.0.2.1")).toEqual({ network: "192.0.2.1", prefix: 32, family: "ipv4" });
  });
});
