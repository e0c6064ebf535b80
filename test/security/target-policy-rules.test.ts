import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { ConnectionBudget, PORTS_WINDOW_MS, RATE_WINDOW_MS } from "../../src/net/target-budget.js";
import { CONNECTION_KIND_NAMES, TargetPolicy, type ConnectionKind } from "../../src/net/target-policy.js";
import { HOST_ADDRESSES_REFRESH_MS, hostAddressReader } from "../../src/net/host-addresses.js";
import { hostInterfaceAddresses } from "./target-policy-fixtures.js";

/**
 * The decision rules of the outbound target policy, without sockets: every spelling of a closed address
 * is refused, allow entries open only what they name, deny wins, ports follow FACTEUR_TARGET_PORTS, bad
 * settings stop the start, and the budgets count as documented.
 */
function policy(env: Record<string, string> = {}): TargetPolicy {
  return new TargetPolicy(loadConfig({ FACTEUR_LOG_LEVEL: "silent", ...env }).targets);
}
const refusal = (p: TargetPolicy, address: string, port = 587, kind: ConnectionKind = "diagnostics") =>
  p.decide(kind, address, port)?.code ?? null;

describe("built-in address categories (default settings)", () => {
  const closed = [
    "127.0.0.1",
    "127.5.6.7",
    "::1",
    "::ffff:127.0.0.1", // IPv4-mapped
    "::ffff:7f00:1", // the same, hexadecimal
    "::127.0.0.1", // IPv4-compatible (deprecated)
    "64:ff9b::7f00:1", // NAT64 of 127.0.0.1
    "2002:7f00:1::1", // 6to4 of 127.0.0.1
    "::ffff:0:7f00:1", // IPv4-translated (RFC 2765) of 127.0.0.1
    "::ffff:0:127.0.0.1",
    "::ffff:0:a9fe:a9fe", // … of 169.254.169.254
    "64:ff9b:1::7f00:1", // local-use NAT64 (RFC 8215), /96 form
    "64:ff9b:1:0:7f:0:100:0", // local-use NAT64, /64 form (bits 72–103) of 127.0.0.1
    "64:ff9b:1::a9fe:a9fe",
    "169.254.169.254", // cloud metadata
    "::ffff:169.254.169.254",
    "100.100.100.200",
    "fd00:ec2::254",
    "169.254.1.1", // link-local
    "fe80::1",
    "fe80::1%eth0",
    "0.0.0.0", // unspecified: the local host on Linux
    "0.1.2.3",
    "::",
    "224.0.0.1", // multicast
    "ff02::1",
    "255.255.255.255", // broadcast
    "240.0.0.1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2", // Teredo
    "localhost", // names are never judged, only resolved addresses
    "not-an-ip",
  ];
  it.each(closed)("refuses %s for every kind of connection", (address) => {
    const p = policy();
    for (const kind of CONNECTION_KIND_NAMES)
      expect(refusal(p, address, 587, kind), kind).toBe("TARGET_BLOCKED");
  });

  it("opens private ranges for settings an admin typed, not for discovery", () => {
    const p = policy();
    for (const address of ["10.0.0.5", "172.16.3.4", "192.168.1.10", "100.64.0.1", "fd12:3456::25"]) {
      expect(refusal(p, address, 587, "diagnostics"), address).toBeNull();
      expect(refusal(p, address, 587, "sending"), address).toBeNull();
      expect(refusal(p, address, 993, "discovery-probe"), address).toBe("TARGET_BLOCKED");
    }
    expect(
      refusal(policy({ FACTEUR_TARGETS_ALLOW: "10.0.0.0/8" }), "10.1.2.3", 993, "discovery-probe"),
    ).toBeNull();
  });

  it("opens public addresses on the mail ports only", () => {
    const p = policy();
    for (const port of [25, 465, 587, 2525, 110, 995, 143, 993])
      expect(refusal(p, "9.9.9.9", port)).toBeNull();
    for (const port of [22, 80, 443, 4222, 6379, 8080])
      expect(refusal(p, "9.9.9.9", port)).toBe("TARGET_PORT_BLOCKED");
    expect(refusal(p, "2620:fe::fe", 587)).toBeNull();
  });

  it("names the setting that would allow a refused target", () => {
    const p = policy();
    expect(p.decide("diagnostics", "127.0.0.1", 25)).toMatchObject({ setting: "FACTEUR_TARGETS_ALLOW" });
    expect(p.decide("diagnostics", "9.9.9.9", 22)).toMatchObject({ setting: "FACTEUR_TARGET_PORTS" });
    expect(p.decide("diagnostics", "0.0.0.0", 25)).toMatchObject({ setting: null });
  });
});

describe("special-purpose ranges and this host's own addresses (red-team finding 3)", () => {
  const special = [
    "192.0.0.9", // IETF protocol assignments
    "192.0.2.77", // documentation (TEST-NET-1/2/3; not .2, this sandbox's own eth0)
    "198.51.100.7",
    "203.0.113.9",
    "198.18.0.1", // benchmarking
    "198.19.255.254",
    "192.88.99.1", // deprecated 6to4 relay anycast
    "2001:db8::25", // documentation
    "3fff::1",
    "2001:2::1", // benchmarking
    "::ffff:203.0.113.9",
  ];
  it.each(special)("refuses %s for every kind of connection (special-purpose)", (address) => {
    const p = policy();
    for (const kind of CONNECTION_KIND_NAMES)
      expect(p.decide(kind, address, 587), kind).toMatchObject({
        code: "TARGET_BLOCKED",
        reason: "special-purpose",
        setting: "FACTEUR_TARGETS_ALLOW",
      });
  });

  it("opens a special-purpose range only for an allow entry inside it (a lab naming its own network)", () => {
    expect(refusal(policy({ FACTEUR_TARGETS_ALLOW: "0.0.0.0/0,::/0" }), "198.51.100.7")).toBe(
      "TARGET_BLOCKED",
    );
    expect(refusal(policy({ FACTEUR_TARGETS_ALLOW: "198.51.100.0/24" }), "198.51.100.7")).toBeNull();
    expect(refusal(policy({ FACTEUR_TARGETS_ALLOW: "240.0.0.0/4:*" }), "240.0.0.1")).toBe("TARGET_BLOCKED");
  });

  it("keeps shared address space (100.64.0.0/10, CGN and overlay VPNs) private: open to admin settings only", () => {
    expect(refusal(policy(), "100.64.1.2", 587, "diagnostics")).toBeNull();
    expect(refusal(policy(), "100.64.1.2", 993, "discovery-probe")).toBe("TARGET_BLOCKED");
  });

  it("judges IPv4-translated and local-use NAT64 forms of a public address as that address", () => {
    const p = policy();
    for (const address of ["::ffff:0:909:909", "64:ff9b:1::909:909", "64:ff9b:1:0:9:909:900:0"])
      expect(refusal(p, address, 587), address).toBeNull();
  });

  const hostPolicy = (env: Record<string, string> = {}) =>
    new TargetPolicy(loadConfig({ FACTEUR_LOG_LEVEL: "silent", ...env }).targets, {
      hostAddresses: () => ["9.9.9.9", "2620:fe::fe", "10.1.2.3"],
    });
  it.each(["9.9.9.9", "::ffff:9.9.9.9", "::ffff:0:909:909", "2620:fe::fe", "2620:FE:0:0::FE", "10.1.2.3"])(
    "judges this host's own address %s as loopback for every kind of connection",
    (address) => {
      const p = hostPolicy();
      for (const kind of CONNECTION_KIND_NAMES)
        expect(p.decide(kind, address, 587), kind).toMatchObject({
          code: "TARGET_BLOCKED",
          reason: "loopback",
        });
    },
  );

  it("opens this host's address only for an allow entry naming exactly it, not its network nor loopback", () => {
    const tests = hostPolicy({ FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*,[::1]:*" }); // test/helpers/targets.ts
    expect(refusal(tests, "9.9.9.9")).toBe("TARGET_BLOCKED");
    expect(refusal(tests, "127.0.0.1")).toBeNull();
    expect(refusal(hostPolicy({ FACTEUR_TARGETS_ALLOW: "9.9.9.0/24,10.0.0.0/8" }), "9.9.9.9")).toBe(
      "TARGET_BLOCKED",
    );
    expect(refusal(hostPolicy({ FACTEUR_TARGETS_ALLOW: "10.0.0.0/8" }), "10.1.2.3")).toBe("TARGET_BLOCKED");
    expect(refusal(hostPolicy({ FACTEUR_TARGETS_ALLOW: "9.9.9.9/32" }), "9.9.9.9")).toBeNull();
    expect(refusal(hostPolicy(), "9.9.9.8")).toBeNull(); // a neighbour is not this host
  });

  const real = hostInterfaceAddresses();
  it.skipIf(real.v4.length + real.v6.length === 0)(
    "judges every address of this machine's interfaces (os.networkInterfaces()) as loopback",
    () => {
      const p = policy({ FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*,[::1]:*", FACTEUR_TARGET_PORTS: "*" });
      for (const address of [...real.v4, ...real.v6])
        for (const kind of CONNECTION_KIND_NAMES)
          expect(p.decide(kind, address, 443), `${kind} ${address}`).toMatchObject({ reason: "loopback" });
    },
  );

  it("re-reads the interface list (a new address is closed within the refresh period)", () => {
    let now = 0;
    let addresses = ["9.9.9.9"];
    const read = hostAddressReader(
      () => addresses,
      () => now,
    );
    expect(read().size).toBe(1);
    addresses = ["9.9.9.9", "1.1.1.1"];
    now += HOST_ADDRESSES_REFRESH_MS;
    expect(read().size).toBe(2);
  });
});

describe("allow and deny entries", () => {
  it("opens only addresses inside each entry's own range", () => {
    const wide = policy({ FACTEUR_TARGETS_ALLOW: "0.0.0.0/0,::/0" });
    expect(refusal(wide, "127.0.0.1")).toBe("TARGET_BLOCKED");
    expect(refusal(wide, "::1")).toBe("TARGET_BLOCKED");
    expect(refusal(wide, "169.254.169.254")).toBe("TARGET_BLOCKED");
    const linkLocal = policy({ FACTEUR_TARGETS_ALLOW: "169.254.0.0/16" });
    expect(refusal(linkLocal, "169.254.1.1")).toBeNull();
    expect(refusal(linkLocal, "169.254.169.254")).toBe("TARGET_BLOCKED");
    expect(refusal(policy({ FACTEUR_TARGETS_ALLOW: "169.254.169.254/32" }), "169.254.169.254")).toBeNull();
  });

  it("never opens unspecified, multicast or reserved addresses", () => {
    const p = policy({ FACTEUR_TARGETS_ALLOW: "0.0.0.0/8:*,224.0.0.0/4:*,240.0.0.0/4:*,[::]:*" });
    for (const address of ["0.0.0.0", "224.0.0.1", "255.255.255.255", "::"])
      expect(refusal(p, address, 25), address).toBe("TARGET_BLOCKED");
  });

  it("opens the ports an entry lists, for that range only", () => {
    const p = policy({ FACTEUR_TARGETS_ALLOW: "127.0.0.1:2500-2600|4000,[::1]:*,10.0.0.0/8:1025" });
    expect(refusal(p, "127.0.0.1", 2525)).toBeNull();
    expect(refusal(p, "127.0.0.1", 4000)).toBeNull();
    expect(refusal(p, "127.0.0.1", 25)).toBe("TARGET_BLOCKED"); // loopback opened for the listed ports only
    expect(refusal(p, "::1", 4222)).toBeNull();
    expect(refusal(p, "10.9.9.9", 1025)).toBeNull();
    expect(refusal(p, "9.9.9.9", 1025)).toBe("TARGET_PORT_BLOCKED");
  });

  it("lets deny entries win over everything else", () => {
    const p = policy({
      FACTEUR_TARGETS_ALLOW: "127.0.0.0/8:*",
      FACTEUR_TARGETS_DENY: "127.0.0.9,9.9.9.0/24,10.0.0.0/8:25",
    });
    expect(p.decide("diagnostics", "127.0.0.9", 25)).toMatchObject({
      reason: "deny-list",
      setting: "FACTEUR_TARGETS_DENY",
    });
    expect(refusal(p, "127.0.0.8", 25)).toBeNull();
    expect(refusal(p, "9.9.9.9", 587)).toBe("TARGET_BLOCKED");
    expect(refusal(p, "10.1.1.1", 25)).toBe("TARGET_BLOCKED");
    expect(refusal(p, "10.1.1.1", 587)).toBeNull();
  });

  it("reads FACTEUR_TARGET_PORTS lists, ranges and *", () => {
    expect(refusal(policy({ FACTEUR_TARGET_PORTS: "25,2525-2530" }), "9.9.9.9", 2528)).toBeNull();
    expect(refusal(policy({ FACTEUR_TARGET_PORTS: "25,2525-2530" }), "9.9.9.9", 587)).toBe(
      "TARGET_PORT_BLOCKED",
    );
    expect(refusal(policy({ FACTEUR_TARGET_PORTS: "*" }), "9.9.9.9", 8080)).toBeNull();
    expect(refusal(policy({ FACTEUR_TARGET_PORTS: "25,*" }), "9.9.9.9", 8080)).toBeNull();
  });

  it("keeps FACTEUR_ALLOW_PRIVATE_TARGETS working as an alias of FACTEUR_TARGETS_ALLOW", () => {
    const config = loadConfig({
      FACTEUR_ALLOW_PRIVATE_TARGETS: "127.0.0.1/32",
      FACTEUR_TARGETS_ALLOW: "10.0.0.0/8",
    });
    expect(config.targets.allow).toEqual(["10.0.0.0/8", "127.0.0.1/32"]);
    expect(refusal(new TargetPolicy(config.targets), "127.0.0.1", 587)).toBeNull();
  });
});

describe("settings fail fast", () => {
  it.each([
    ["FACTEUR_TARGETS_ALLOW", "10.0.0.0/33"],
    ["FACTEUR_TARGETS_ALLOW", "mail.exemple.fr"],
    ["FACTEUR_TARGETS_ALLOW", "10.0.0.0/8:0"],
    ["FACTEUR_TARGETS_ALLOW", "10.0.0.0/8:25-"],
    ["FACTEUR_TARGETS_ALLOW", "[fe80::1]:99999"],
    ["FACTEUR_TARGETS_DENY", "300.1.1.1"],
    ["FACTEUR_TARGET_PORTS", "0"],
    ["FACTEUR_TARGET_PORTS", "25,abc"],
    ["FACTEUR_TARGET_PORTS", "70000"],
    ["FACTEUR_TARGET_RATE", "-1"],
    ["FACTEUR_TARGET_RATE_PER_TARGET", "many"],
    ["FACTEUR_TARGET_PORTS_PER_HOST", "1.5"],
  ])("refuses %s=%s at load", (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(/invalid configuration/);
  });
});

describe("audit", () => {
  it("reports each refusal with kind, name, address, port and reason, and throws a coded error", async () => {
    const events: unknown[] = [];
    const settings = loadConfig({ FACTEUR_TARGET_RATE_PER_TARGET: "1" }).targets;
    const p = new TargetPolicy(settings, { onRefusal: (event) => events.push(event) });
    await expect(p.admit("diagnostics", "127.0.0.1", 25, "localhost")).rejects.toMatchObject({
      code: "TARGET_BLOCKED",
      meta: { setting: "FACTEUR_TARGETS_ALLOW" },
    });
    await p.admit("bulk", "9.9.9.9", 25);
    await expect(p.admit("diagnostics", "9.9.9.9", 25)).rejects.toMatchObject({
      code: "TARGET_RATE_LIMITED",
    });
    expect(events).toEqual([
      {
        kind: "diagnostics",
        code: "TARGET_BLOCKED",
        host: "localhost",
        address: "127.0.0.1",
        port: 25,
        reason: "loopback",
      },
      {
        kind: "diagnostics",
        code: "TARGET_RATE_LIMITED",
        host: "9.9.9.9",
        address: "9.9.9.9",
        port: 25,
        reason: "FACTEUR_TARGET_RATE_PER_TARGET",
      },
    ]);
  });
});

describe("connection budget", () => {
  it("counts per target, globally and distinct ports per host, over sliding windows", () => {
    let now = 1_000_000;
    const budget = new ConnectionBudget({ perMinute: 5, perTargetPerMinute: 2, portsPerHost: 3 }, () => now);
    expect(budget.take("192.0.2.1", 25, true)).toBeNull();
    expect(budget.take("192.0.2.1", 25, true)).toBeNull();
    expect(budget.take("192.0.2.1", 25, true)).toMatchObject({
      code: "TARGET_RATE_LIMITED",
      retryAfterMs: RATE_WINDOW_MS,
    });
    expect(budget.take("192.0.2.1", 587, true)).toBeNull();
    expect(budget.take("192.0.2.1", 465, true)).toBeNull();
    expect(budget.take("192.0.2.1", 2525, true)).toMatchObject({ code: "TARGET_PORT_SCAN_LIMITED" });
    expect(budget.take("192.0.2.2", 25, true)).toBeNull(); // 5th of the minute
    expect(budget.take("192.0.2.3", 25, true)).toMatchObject({ code: "TARGET_RATE_LIMITED" }); // global
    // Sending (rate: false) counts toward distinct ports only.
    expect(budget.take("192.0.2.1", 2525, false)).toMatchObject({ code: "TARGET_PORT_SCAN_LIMITED" });
    now += RATE_WINDOW_MS;
    expect(budget.take("192.0.2.1", 25, true)).toBeNull();
    expect(budget.take("192.0.2.1", 2525, true)).toMatchObject({ code: "TARGET_PORT_SCAN_LIMITED" });
    now += PORTS_WINDOW_MS;
    expect(budget.take("192.0.2.1", 2525, true)).toBeNull();
  });
});

describe("connection budget memory", () => {
  it("holds only the last window's attempts, also for sending connections that are never rate-checked", () => {
    let now = 1_000_000;
    const budget = new ConnectionBudget({ perMinute: 0, perTargetPerMinute: 0, portsPerHost: 10 }, () => now);
    // A worker sending through one server for 20 minutes: a connection every 100 ms.
    for (let i = 0; i < 12_000; i += 1) {
      expect(budget.take("192.0.2.1", 587, false)).toBeNull();
      now += 100;
    }
    const held = budget.held();
    expect(held.global).toBeLessThanOrEqual(RATE_WINDOW_MS / 100);
    expect(held.busiestTarget).toBeLessThanOrEqual(RATE_WINDOW_MS / 100);
    expect(held.targets).toBe(1);
  });
});
