import { XMLParser } from "fast-xml-parser";
import plist from "plist";
import { describe, expect, it } from "vitest";
import {
  AUTODISCOVER_RESPONSE_NS,
  buildAutodiscoverError,
  buildAutodiscoverXml,
  OUTLOOK_RESPONSE_SCHEMA,
  parseAutodiscoverRequest,
} from "../../src/clients/autoconfig/autodiscover.js";
import { etagMatches, etagOf } from "../../src/clients/autoconfig/etag.js";
import { buildMobileconfig, stableUuid } from "../../src/clients/autoconfig/mobileconfig.js";
import { buildThunderbirdXml, THUNDERBIRD_AUTHENTICATION } from "../../src/clients/autoconfig/thunderbird.js";
import { parseThunderbirdXml } from "../../src/clients/autoconfig/thunderbird-parse.js";
import { server, type MailSettings } from "../../src/clients/model.js";

const SETTINGS: MailSettings = {
  domain: "exemple.fr",
  displayName: "Exemple <&> Cie",
  incoming: [
    server("imap", "imap.exemple.fr", "tls"),
    server("imap", "imap.exemple.fr", "starttls", { authentication: "encrypted_password" }),
    server("pop3", "pop.exemple.fr", "tls", { username: "%EMAILLOCALPART%" }),
  ],
  outgoing: [
    server("smtp", "smtp.exemple.fr", "tls", { authentication: "oauth2" }),
    server("smtp", "smtp.exemple.fr", "starttls", { username: "u-%EMAILLOCALPART%" }),
    server("smtp", "relay.exemple.fr", "none", { port: 25, authentication: "none" }),
  ],
};

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  isArray: (n) => ["incomingServer", "outgoingServer", "authentication", "domain", "Protocol"].includes(n),
});

describe("Thunderbird clientConfig 1.1", () => {
  const body = buildThunderbirdXml(SETTINGS, {
    aliases: ["exemple.com"],
    documentationUrl: "https://facteur.test/guide?a=1&b=2",
  });
  const doc = xml.parse(body);

  it("starts with the XML prolog and a clientConfig version 1.1 root", () => {
    expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(doc.clientConfig["@_version"]).toBe("1.1");
  });

  it("names the provider, its domains and display names (escaped)", () => {
    const p = doc.clientConfig.emailProvider;
    expect(p["@_id"]).toBe("exemple.fr");
    expect(p.domain).toEqual(["exemple.fr", "exemple.com"]);
    expect(p.displayName).toBe("Exemple <&> Cie");
    expect(body).toContain("Exemple &lt;&amp;&gt; Cie");
    expect(p.documentation["@_url"]).toBe("https://facteur.test/guide?a=1&b=2");
  });

  it("writes every incoming server with the required children in order of preference", () => {
    const servers = doc.clientConfig.emailProvider.incomingServer;
    expect(servers.map((s: Record<string, unknown>) => s["@_type"])).toEqual(["imap", "imap", "pop3"]);
    for (const s of servers) {
      expect(Object.keys(s).filter((k) => !k.startsWith("@_"))).toEqual([
        "hostname",
        "port",
        "socketType",
        "username",
        "authentication",
      ]);
    }
    expect(servers[0]).toMatchObject({
      hostname: "imap.exemple.fr",
      port: "993",
      socketType: "SSL",
      username: "%EMAILADDRESS%",
      authentication: ["password-cleartext"],
    });
    expect(servers[1]).toMatchObject({
      port: "143",
      socketType: "STARTTLS",
      authentication: ["password-encrypted"],
    });
    expect(servers[2]).toMatchObject({ port: "995", socketType: "SSL", username: "%EMAILLOCALPART%" });
  });

  it("writes SMTP with SSL/STARTTLS/plain and OAuth2 followed by a password fallback", () => {
    const servers = doc.clientConfig.emailProvider.outgoingServer;
    expect(servers.map((s: Record<string, unknown>) => [s["@_type"], s.port, s.socketType])).toEqual([
      ["smtp", "465", "SSL"],
      ["smtp", "587", "STARTTLS"],
      ["smtp", "25", "plain"],
    ]);
    expect(servers[0].authentication).toEqual(["OAuth2", "password-cleartext"]);
    expect(servers[1].username).toBe("u-%EMAILLOCALPART%");
    expect(servers[2].authentication).toEqual(["none"]);
    expect(THUNDERBIRD_AUTHENTICATION.oauth2[1]).toBe("password-cleartext");
  });

  it("parses back into the same settings", () => {
    const back = parseThunderbirdXml(body, "exemple.fr")!;
    expect(back.incoming).toEqual(SETTINGS.incoming);
    expect(back.outgoing).toEqual(SETTINGS.outgoing);
  });

  it("reads real-world quirks leniently: no prolog, comments, self-closing and unknown elements", () => {
    const quirky = `<clientConfig version="1.1"><!-- hi --><emailProvider id="sfr.fr"><domain>sfr.fr</domain>
      <documentation url="https://x"/><incomingServer type="ews"><url>https://x/ews</url></incomingServer>
      <incomingServer type="imap"><authentication>password-cleartext</authentication><hostname>imap.%EMAILDOMAIN%</hostname>
      <port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username></incomingServer>
      <outgoingServer type="smtp"><hostname>smtp.sfr.fr</hostname><port>465</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>plain</authentication><addThisServer>true</addThisServer></outgoingServer>
      </emailProvider></clientConfig>`;
    const parsed = parseThunderbirdXml(quirky, "sfr.fr")!;
    expect(parsed.incoming).toEqual([server("imap", "imap.sfr.fr", "tls")]);
    expect(parsed.outgoing).toEqual([server("smtp", "smtp.sfr.fr", "tls")]);
    expect(parseThunderbirdXml('<!DOCTYPE x [<!ENTITY a "b">]><clientConfig/>', "x.fr")).toBeNull();
  });
});

describe("Outlook Autodiscover POX", () => {
  const request = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request><EMailAddress> Marie.Curie@Exemple.FR </EMailAddress>
  <AcceptableResponseSchema>${OUTLOOK_RESPONSE_SCHEMA}</AcceptableResponseSchema></Request>
</Autodiscover>`;

  it("reads the address from the request, normalising the domain", () => {
    expect(parseAutodiscoverRequest(request)).toEqual({
      email: "Marie.Curie@exemple.fr",
      unsupportedSchema: false,
    });
  });

  it("flags an ActiveSync (mobilesync) request as a schema it does not serve", () => {
    const eas = request.replace(
      OUTLOOK_RESPONSE_SCHEMA,
      "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006",
    );
    expect(parseAutodiscoverRequest(eas).unsupportedSchema).toBe(true);
  });

  it("refuses requests without an address or with a DTD", () => {
    expect(() => parseAutodiscoverRequest("<Autodiscover><Request/></Autodiscover>")).toThrow(/EMailAddress/);
    expect(() => parseAutodiscoverRequest("not xml <<")).toThrow();
    expect(() =>
      parseAutodiscoverRequest(`<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>${request}`),
    ).toThrow();
  });

  it("answers the 2006a schema field by field with concrete logins", () => {
    const body = buildAutodiscoverXml(SETTINGS, "marie@exemple.fr", "Marie");
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@_",
      parseTagValue: false,
      isArray: (n) => n === "Protocol",
    }).parse(body);
    expect(doc.Autodiscover["@_xmlns"]).toBe(AUTODISCOVER_RESPONSE_NS);
    const response = doc.Autodiscover.Response;
    expect(response["@_xmlns"]).toBe(OUTLOOK_RESPONSE_SCHEMA);
    expect(response.User.DisplayName).toBe("Marie");
    expect(response.Account.AccountType).toBe("email");
    expect(response.Account.Action).toBe("settings");
    const [imap, imapStarttls, pop, smtp, smtpStarttls, relay] = response.Account.Protocol;
    expect(imap).toEqual({
      Type: "IMAP",
      Server: "imap.exemple.fr",
      Port: "993",
      LoginName: "marie@exemple.fr",
      DomainRequired: "off",
      SPA: "off",
      SSL: "on",
      Encryption: "SSL",
      AuthRequired: "on",
    });
    expect(imapStarttls).toMatchObject({ Port: "143", SSL: "on", Encryption: "TLS", SPA: "on" });
    expect(pop).toMatchObject({ Type: "POP3", Port: "995", LoginName: "marie" });
    expect(smtp).toMatchObject({
      Type: "SMTP",
      Port: "465",
      Encryption: "SSL",
      UsePOPAuth: "on",
      SMTPLast: "off",
    });
    expect(smtpStarttls).toMatchObject({ Port: "587", Encryption: "TLS", LoginName: "u-marie" });
    expect(relay).toMatchObject({
      Port: "25",
      SSL: "off",
      Encryption: "None",
      AuthRequired: "off",
      UsePOPAuth: "off",
    });
  });

  it("writes the 600 error body", () => {
    const doc = xml.parse(buildAutodiscoverError(600, new Date("2026-11-23T10:00:00.123Z")));
    expect(doc.Autodiscover.Response.Error.ErrorCode).toBe("600");
    expect(doc.Autodiscover.Response.Error.Message).toBe("Invalid Request");
    expect(doc.Autodiscover.Response.Error["@_Time"]).toBe("10:00:00.123");
  });
});

describe("Apple .mobileconfig", () => {
  const body = buildMobileconfig(SETTINGS, "marie@exemple.fr", { name: "Marie Curie" });
  const profile = plist.parse(body) as Record<string, unknown>;
  const payload = (profile.PayloadContent as Array<Record<string, unknown>>)[0]!;

  it("is a Configuration profile with the required top-level keys", () => {
    expect(body).toContain("<!DOCTYPE plist PUBLIC");
    expect(profile).toMatchObject({
      PayloadType: "Configuration",
      PayloadVersion: 1,
      PayloadIdentifier: "fr.exemple.facteur." + (profile.PayloadIdentifier as string).split(".").pop(),
    });
    expect(profile.PayloadUUID).toMatch(
      /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/,
    );
  });

  it("holds one com.apple.mail.managed payload with the best servers and no password", () => {
    expect(payload).toMatchObject({
      PayloadType: "com.apple.mail.managed",
      PayloadVersion: 1,
      EmailAccountType: "EmailTypeIMAP",
      EmailAddress: "marie@exemple.fr",
      EmailAccountName: "Marie Curie",
      IncomingMailServerHostName: "imap.exemple.fr",
      IncomingMailServerPortNumber: 993,
      IncomingMailServerUseSSL: true,
      IncomingMailServerAuthentication: "EmailAuthPassword",
      IncomingMailServerUsername: "marie@exemple.fr",
      OutgoingMailServerHostName: "smtp.exemple.fr",
      OutgoingMailServerPortNumber: 465,
      OutgoingMailServerUseSSL: true,
      OutgoingMailServerAuthentication: "EmailAuthPassword",
      OutgoingPasswordSameAsIncomingPassword: true,
    });
    expect(
      Object.keys(payload).filter(
        (k) => /password$/i.test(k) && k !== "OutgoingPasswordSameAsIncomingPassword",
      ),
    ).toEqual([]);
    expect(body).not.toMatch(/<key>(IncomingPassword|OutgoingPassword)<\/key>/);
  });

  it("keeps identifiers and UUIDs stable per address and distinct between addresses", () => {
    const again = plist.parse(buildMobileconfig(SETTINGS, "marie@exemple.fr")) as Record<string, unknown>;
    const other = plist.parse(buildMobileconfig(SETTINGS, "pierre@exemple.fr")) as Record<string, unknown>;
    expect(again.PayloadUUID).toBe(profile.PayloadUUID);
    expect(again.PayloadIdentifier).toBe(profile.PayloadIdentifier);
    expect(other.PayloadUUID).not.toBe(profile.PayloadUUID);
    expect(payload.PayloadUUID).not.toBe(profile.PayloadUUID);
    expect(stableUuid("a")).toBe(stableUuid("a"));
  });

  it("maps STARTTLS to UseSSL true as Apple has one flag for both", () => {
    const starttlsOnly: MailSettings = {
      ...SETTINGS,
      incoming: [server("imap", "imap.exemple.fr", "starttls")],
    };
    const p = (
      plist.parse(buildMobileconfig(starttlsOnly, "a@exemple.fr")) as {
        PayloadContent: Array<Record<string, unknown>>;
      }
    ).PayloadContent[0]!;
    expect(p.IncomingMailServerUseSSL).toBe(true);
    expect(p.IncomingMailServerPortNumber).toBe(143);
  });
});

describe("ETag", () => {
  it("is stable for a body and matches If-None-Match lists and weak tags", () => {
    const tag = etagOf("abc");
    expect(tag).toBe(etagOf(Buffer.from("abc")));
    expect(etagMatches(`"x", W/${tag}`, tag)).toBe(true);
    expect(etagMatches('"x"', tag)).toBe(false);
    expect(etagMatches(undefined, tag)).toBe(false);
  });
});
