import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailResolver } from "../../src/clients/discovery/dns.js";
import { checkPublishedRecords, facteurHostOf, recordsToPublish } from "../../src/clients/dns-helper.js";
import type { MailDomainView } from "../../src/clients/domains/domain.schema.js";
import { startDnsServer } from "./servers.js";

const server = (
  protocol: "imap" | "pop3" | "smtp",
  host: string,
  port: number,
  security: "tls" | "starttls",
) => ({
  protocol,
  host,
  port,
  security,
  authentication: "password" as const,
  usernameForm: "address" as const,
  usernameTemplate: "%EMAILADDRESS%",
  registryServerId: null,
  warnings: [],
});
const DOMAIN: MailDomainView = {
  id: 1,
  name: "exemple.fr",
  displayName: "Exemple",
  incoming: [server("imap", "imap.exemple.fr", 993, "tls")],
  outgoing: [
    server("smtp", "smtp.exemple.fr", 465, "tls"),
    server("smtp", "smtp.exemple.fr", 587, "starttls"),
  ],
  version: 1,
  createdAt: "",
  updatedAt: "",
};

describe("DNS helper", () => {
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  beforeAll(async () => {
    dns = await startDnsServer({
      "_imaps._tcp.exemple.fr": [
        { type: "SRV", priority: 5, weight: 0, port: 993, target: "imap.exemple.fr" },
      ],
      "_submissions._tcp.exemple.fr": [
        { type: "SRV", priority: 0, weight: 1, port: 465, target: "old.exemple.fr" },
      ],
    });
  });
  afterAll(async () => {
    await dns.close();
  });

  it("names Facteur's host only when the public URL has a real host name", () => {
    expect(facteurHostOf("https://facteur.exemple.fr:8443/x")).toBe("facteur.exemple.fr");
    expect(facteurHostOf("http://127.0.0.1:3000")).toBeNull();
    expect(facteurHostOf("http://localhost:3000")).toBeNull();
  });

  it("lists CNAMEs, the Autodiscover SRV and the six mail SRV records, '.' for services not offered", () => {
    const records = recordsToPublish(DOMAIN, "facteur.exemple.fr");
    expect(records.map((r) => `${r.name} ${r.type} ${r.value}`)).toEqual([
      "autoconfig.exemple.fr CNAME facteur.exemple.fr.",
      "autodiscover.exemple.fr CNAME facteur.exemple.fr.",
      "_autodiscover._tcp.exemple.fr SRV 0 0 443 facteur.exemple.fr.",
      "_imaps._tcp.exemple.fr SRV 0 1 993 imap.exemple.fr.",
      "_imap._tcp.exemple.fr SRV 0 0 0 .",
      "_pop3s._tcp.exemple.fr SRV 0 0 0 .",
      "_pop3._tcp.exemple.fr SRV 0 0 0 .",
      "_submissions._tcp.exemple.fr SRV 0 1 465 smtp.exemple.fr.",
      "_submission._tcp.exemple.fr SRV 10 1 587 smtp.exemple.fr.",
    ]);
    for (const r of records) expect(r.why.fr && r.why.en).toBeTruthy();
  });

  it("checks what a real DNS server publishes: ok (priority is the admin's choice), different, missing", async () => {
    const checked = await checkPublishedRecords(
      recordsToPublish(DOMAIN, "facteur.exemple.fr"),
      createMailResolver([dns.server]),
    );
    const status = Object.fromEntries(checked.map((c) => [c.name, c.status]));
    expect(status["_imaps._tcp.exemple.fr"]).toBe("ok");
    expect(status["_submissions._tcp.exemple.fr"]).toBe("different");
    expect(checked.find((c) => c.name === "_submissions._tcp.exemple.fr")!.found).toEqual([
      "0 1 465 old.exemple.fr.",
    ]);
    expect(status["autoconfig.exemple.fr"]).toBe("missing");
  });
});
