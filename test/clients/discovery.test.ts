import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildThunderbirdXml } from "../../src/clients/autoconfig/thunderbird.js";
import { createMailResolver } from "../../src/clients/discovery/dns.js";
import {
  discoverSettings,
  NOT_FOUND_ADVICE,
  type DiscoveryDeps,
} from "../../src/clients/discovery/discover.js";
import { PROVIDERS, providerForDomain, providerForMx } from "../../src/clients/discovery/providers.js";
import { loopbackPolicy, policyAllowing } from "../helpers/target-policies.js";
import { server, type MailSettings } from "../../src/clients/model.js";
import {
  selfSignedCertificate,
  startDnsServer,
  startGreeter,
  startHttpServer,
  startSilentServer,
  startTlsGreeter,
} from "./servers.js";

type Closer = { close(): Promise<void> };
const closers: Closer[] = [];
let deps: DiscoveryDeps;
let silentPort = 0;
const portMap: Record<number, number> = {};

const ADMIN: MailSettings = {
  domain: "facteur.test",
  displayName: "Facteur",
  incoming: [server("imap", "imap.facteur.test", "tls")],
  outgoing: [server("smtp", "smtp.facteur.test", "starttls")],
};

beforeAll(async () => {
  const dns = await startDnsServer({
    // RFC 6186 + 8314 records; POP3 deliberately not offered (target ".").
    "_imaps._tcp.srv.test": [{ type: "SRV", priority: 0, weight: 1, port: 993, target: "imap.srv.test" }],
    "_imap._tcp.srv.test": [{ type: "SRV", priority: 10, weight: 1, port: 143, target: "imap.srv.test" }],
    "_pop3._tcp.srv.test": [{ type: "SRV", priority: 0, weight: 0, port: 0, target: "." }],
    "_submissions._tcp.srv.test": [
      { type: "SRV", priority: 0, weight: 1, port: 465, target: "smtp.srv.test" },
    ],
    "_submission._tcp.srv.test": [
      { type: "SRV", priority: 20, weight: 1, port: 587, target: "backup.srv.test" },
      { type: "SRV", priority: 5, weight: 1, port: 587, target: "smtp.srv.test" },
    ],
    "entreprise.test": [
      { type: "MX", priority: 10, exchange: "entreprise-test.mail.protection.outlook.com" },
    ],
    "pme.test": [
      { type: "MX", priority: 20, exchange: "mx.backup.example" },
      { type: "MX", priority: 1, exchange: "aspmx.l.google.com" },
    ],
    "ovh-client.test": [{ type: "MX", priority: 1, exchange: "mx1.mail.ovh.net" }],
    "imap.probe.test": [{ type: "A", address: "127.0.0.1" }],
    "smtp.probe.test": [{ type: "A", address: "127.0.0.1" }],
    "mail.probe.test": [{ type: "A", address: "127.0.0.1" }],
    "imap.evil.test": [{ type: "A", address: "169.254.169.254" }],
    "smtp.evil.test": [{ type: "A", address: "169.254.169.254" }],
    "mail.evil.test": [{ type: "A", address: "127.0.0.1" }],
  });
  closers.push(dns);
  const http = await startHttpServer((req, res) => {
    if (req.url?.startsWith("/isp.test/")) {
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        buildThunderbirdXml({
          ...ADMIN,
          domain: "isp.test",
          displayName: "ISP",
          outgoing: [server("smtp", "smtp.isp.test", "tls")],
        }),
      );
      return;
    }
    if (req.url?.startsWith("/html.test/")) {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(buildThunderbirdXml(ADMIN));
      return;
    }
    res.writeHead(404).end();
  });
  closers.push(http);
  const silent = await startSilentServer();
  closers.push(silent);
  silentPort = silent.port;

  const cert = selfSignedCertificate();
  const imaps = await startTlsGreeter("imap", cert);
  const imap = await startGreeter("imap", { starttls: true });
  const submission = await startGreeter("smtp", { starttls: true });
  const smtpNoTls = await startGreeter("smtp", { starttls: false });
  closers.push(imaps, imap, submission, smtpNoTls);
  // 995/110 map to the silent server's port: nothing greets there. 465 answers SMTP without STARTTLS
  // on a plain socket, which a TLS client sees as a failed handshake.
  Object.assign(portMap, {
    993: imaps.port,
    143: imap.port,
    587: submission.port,
    465: smtpNoTls.port,
    995: silent.port,
    110: silent.port,
  });

  deps = {
    adminSettings: async (domain) => (domain === "facteur.test" ? ADMIN : null),
    resolver: createMailResolver([dns.server]),
    fetch: (url, init) => fetch(url, init),
    autoconfigUrls: (domain) => [
      `http://127.0.0.1:${domain === "slow.test" ? silentPort : http.port}/${domain}/mail/config-v1.1.xml`,
    ],
    probe: { enabled: false, portMap, policy: loopbackPolicy() },
  };
});

afterAll(async () => {
  for (const c of closers.reverse()) await c.close();
});

describe("discoverSettings", () => {
  it("answers from the admin's own domains first", async () => {
    const result = await discoverSettings("Alice@FACTEUR.test", deps);
    expect(result).toMatchObject({
      found: true,
      source: "admin",
      confidence: "high",
      email: "Alice@facteur.test",
    });
    expect(result.steps.map((s) => s.source)).toEqual(["admin"]);
  });

  it("answers from the bundled provider database, with its sources", async () => {
    const result = await discoverSettings("jean@orange.fr", deps);
    expect(result).toMatchObject({ source: "provider", confidence: "high", provider: { id: "orange" } });
    expect(result.settings!.incoming[0]).toMatchObject({
      host: "imap.orange.fr",
      port: 993,
      security: "tls",
    });
    expect(result.settings!.outgoing[0]).toMatchObject({
      host: "smtp.orange.fr",
      port: 465,
      security: "tls",
    });
    const free = await discoverSettings("jean@free.fr", deps);
    expect(free.settings!.incoming[0]!.username).toBe("%EMAILLOCALPART%");
  });

  it("reads RFC 6186/8314 SRV records from a real DNS server, implicit TLS first, skipping '.' targets", async () => {
    const result = await discoverSettings("bob@srv.test", deps);
    expect(result).toMatchObject({ found: true, source: "srv", confidence: "medium" });
    expect(result.settings!.incoming.map((s) => `${s.protocol}:${s.host}:${s.port}:${s.security}`)).toEqual([
      "imap:imap.srv.test:993:tls",
      "imap:imap.srv.test:143:starttls",
    ]);
    expect(result.settings!.outgoing.map((s) => `${s.host}:${s.port}:${s.security}`)).toEqual([
      "smtp.srv.test:465:tls",
      "smtp.srv.test:587:starttls",
    ]);
  });

  it("reads the domain's own Thunderbird autoconfig file", async () => {
    const result = await discoverSettings("carol@isp.test", deps);
    expect(result).toMatchObject({ source: "autoconfig", confidence: "high" });
    expect(result.settings!.outgoing[0]).toMatchObject({ host: "smtp.isp.test", port: 465 });
  });

  it("ignores an autoconfig answer that is not XML (as Thunderbird does)", async () => {
    const result = await discoverSettings("dan@html.test", deps);
    expect(result.found).toBe(false);
  });

  it("recognises Microsoft 365, Google Workspace and OVH by MX (lowest preference first)", async () => {
    const m365 = await discoverSettings("eve@entreprise.test", deps);
    expect(m365).toMatchObject({ source: "mx", confidence: "medium", provider: { id: "microsoft-365" } });
    expect(m365.settings!.outgoing[0]).toMatchObject({
      host: "smtp.office365.com",
      port: 587,
      security: "starttls",
    });
    expect((await discoverSettings("f@pme.test", deps)).provider!.id).toBe("google-workspace");
    expect((await discoverSettings("g@ovh-client.test", deps)).settings!.incoming[0]!.host).toBe(
      "ssl0.ovh.net",
    );
  });

  it("does not probe unless asked", async () => {
    const result = await discoverSettings("h@probe.test", deps);
    expect(result.found).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({ source: "probe", outcome: "skipped" });
    expect(result.probes).toEqual([]);
  });

  it("probes real listeners on 127.0.0.1 and keeps only encrypted services", async () => {
    const result = await discoverSettings("h@probe.test", {
      ...deps,
      probe: { ...deps.probe!, enabled: true },
    });
    expect(result).toMatchObject({ found: true, source: "probe", confidence: "low" });
    expect(result.settings!.incoming.map((s) => `${s.host}:${s.port}:${s.security}`)).toEqual([
      "imap.probe.test:993:tls",
      "imap.probe.test:143:starttls",
    ]);
    expect(result.settings!.outgoing.map((s) => `${s.host}:${s.port}:${s.security}`)).toEqual([
      "smtp.probe.test:587:starttls",
    ]);
    const imaps = result.probes.find((p) => p.host === "imap.probe.test" && p.port === 993)!;
    expect(imaps).toMatchObject({ outcome: "ok", certificateValid: false });
    expect(result.probes.find((p) => p.host === "pop.probe.test")!.outcome).toBe("no-address");
  });

  it("refuses to probe link-local / metadata addresses, and private ones unless allowed", async () => {
    const probe = { enabled: true, portMap };
    const evil = await discoverSettings("x@evil.test", {
      ...deps,
      probe: { ...probe, policy: policyAllowing(["127.0.0.0/8:*", "169.254.0.0/16:*"]) },
    });
    expect(
      evil.probes.filter((p) => p.host === "imap.evil.test").every((p) => p.outcome === "forbidden-address"),
    ).toBe(true);
    const noPrivate = await discoverSettings("h@probe.test", { ...deps, probe });
    expect(noPrivate.found).toBe(false);
    expect(
      noPrivate.probes.every((p) => p.outcome === "forbidden-address" || p.outcome === "no-address"),
    ).toBe(true);
  });

  it("ends an unknown domain in under 5 s with the 'ask your provider' answer, even when a server hangs", async () => {
    const started = performance.now();
    const result = await discoverSettings("nobody@slow.test", {
      ...deps,
      probe: { ...deps.probe!, enabled: true },
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(5_000);
    expect(result).toMatchObject({ found: false, source: null, settings: null, advice: NOT_FOUND_ADVICE });
    expect(result.advice!.fr).toMatch(/Demandez à votre fournisseur/);
    expect(result.advice!.en).toMatch(/Ask your mail provider/);
  });

  it("rejects an invalid address", async () => {
    await expect(discoverSettings("not-an-address", deps)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
  });
});

describe("provider database", () => {
  it("lists each provider's sources and only encrypted servers", () => {
    for (const p of PROVIDERS) {
      expect(p.sources.length).toBeGreaterThan(0);
      for (const s of [...p.incoming, ...p.outgoing]) expect(s.security).not.toBe("none");
    }
    expect(providerForDomain("GMAIL.com")!.id).toBe("gmail");
    expect(providerForMx("mx2.mail.ovh.net.")!.id).toBe("ovh");
    expect(providerForMx("notgoogle.com")).toBeUndefined();
  });

  it("finds a bundled-provider address in well under 5 ms at p95", async () => {
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await discoverSettings(`user${i}@laposte.net`, deps);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length * 0.95)]!).toBeLessThan(5);
  });
});

describe("target policy for discovery", () => {
  it("refuses metadata, link-local, loopback and private addresses unless allowed", () => {
    const none = policyAllowing([]);
    const refused = (policy: typeof none, address: string) =>
      policy.decide("discovery-probe", address, 993) !== null;
    expect(refused(none, "169.254.169.254")).toBe(true);
    expect(refused(policyAllowing(["169.254.0.0/16"]), "169.254.169.254")).toBe(true);
    expect(refused(none, "::ffff:169.254.169.254")).toBe(true);
    expect(refused(none, "fe80::1")).toBe(true);
    expect(refused(none, "fd00:ec2::254")).toBe(true);
    expect(refused(none, "0.0.0.0")).toBe(true);
    expect(refused(none, "127.0.0.1")).toBe(true);
    expect(refused(policyAllowing(["10.0.0.0/8"]), "10.1.2.3")).toBe(false);
    expect(refused(none, "192.168.1.1")).toBe(true);
    expect(refused(none, "93.184.216.34")).toBe(false);
    expect(refused(none, "not-an-ip")).toBe(true);
  });
});
