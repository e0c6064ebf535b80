import { XMLParser } from "fast-xml-parser";
import plist from "plist";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInApp, type SignedInApp } from "../helpers/http.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { EXAMPLE_DOMAIN } from "./fixtures.js";

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  isArray: (n) => ["incomingServer", "outgoingServer", "Protocol"].includes(n),
});
const autodiscoverRequest = (
  email: string,
  schema = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a",
) =>
  `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>${schema}</AcceptableResponseSchema></Request></Autodiscover>`;

for (const kind of STORE_KINDS) {
  describe(`setup HTTP routes on ${kind}`, () => {
    let t: TestContext;
    let s: SignedInApp;
    let domainId = 0;
    beforeAll(async () => {
      t = await createTestContext(kind, { config: { publicUrl: "https://facteur.exemple.fr" } });
      s = await signedInApp(t.ctx);
    });
    afterAll(async () => {
      await s.app.close();
      await t.dispose();
    });

    it("keeps the admin API private", async () => {
      const anonymous = await s.app.inject({ method: "GET", url: "/api/v1/clients/domains" });
      expect(anonymous.statusCode).toBe(401);
    });

    it("creates, reads, updates a domain through the API", async () => {
      const created = await s.request("POST", "/api/v1/clients/domains", EXAMPLE_DOMAIN);
      expect(created.statusCode).toBe(201);
      domainId = created.json().id;
      const list = await s.request("GET", "/api/v1/clients/domains");
      expect(list.json().items).toHaveLength(1);
      const bad = await s.request("POST", "/api/v1/clients/domains", {
        ...EXAMPLE_DOMAIN,
        name: "exemple.fr",
      });
      expect(bad.statusCode).toBe(409);
      expect(bad.json().error.code).toBe("MAIL_DOMAIN_TAKEN");
      const invalid = await s.request("POST", "/api/v1/clients/domains", {
        name: "x",
        incoming: [],
        outgoing: [],
      });
      expect(invalid.statusCode).toBe(422);
    });

    it("serves Thunderbird autoconfig on both paths, by address or by Host, with ETag and 304", async () => {
      const first = await s.app.inject({
        method: "GET",
        url: "/mail/config-v1.1.xml?emailaddress=marie%40exemple.fr",
      });
      expect(first.statusCode).toBe(200);
      expect(first.headers["content-type"]).toBe("application/xml; charset=utf-8");
      expect(first.headers["cache-control"]).toBe("public, max-age=300");
      const etag = first.headers.etag as string;
      expect(etag).toMatch(/^"[\w-]+"$/);
      const doc = xml.parse(first.body);
      expect(doc.clientConfig["@_version"]).toBe("1.1");
      expect(doc.clientConfig.emailProvider.incomingServer[0]).toMatchObject({
        "@_type": "imap",
        port: "993",
        socketType: "SSL",
        username: "%EMAILADDRESS%",
      });

      const wellKnown = await s.app.inject({
        method: "GET",
        url: "/.well-known/autoconfig/mail/config-v1.1.xml",
        headers: { host: "autoconfig.exemple.fr" },
      });
      expect(wellKnown.statusCode).toBe(200);
      expect(wellKnown.body).toBe(first.body);
      const again = await s.app.inject({
        method: "GET",
        url: "/mail/config-v1.1.xml?emailaddress=pierre%40exemple.fr",
        headers: { "if-none-match": etag },
      });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe("");

      const unknown = await s.app.inject({
        method: "GET",
        url: "/mail/config-v1.1.xml?emailaddress=a%40inconnu.fr",
      });
      expect(unknown.statusCode).toBe(404);
      const noAddress = await s.app.inject({
        method: "GET",
        url: "/mail/config-v1.1.xml",
        headers: { host: "facteur.local:8080" },
      });
      expect(noAddress.statusCode).toBe(404);
    });

    it("answers Outlook Autodiscover on every casing, with concrete logins", async () => {
      for (const url of [
        "/autodiscover/autodiscover.xml",
        "/Autodiscover/Autodiscover.xml",
        "/AutoDiscover/AutoDiscover.xml",
      ]) {
        const response = await s.app.inject({
          method: "POST",
          url,
          headers: { "content-type": "text/xml; charset=utf-8" },
          payload: autodiscoverRequest("marie@exemple.fr"),
        });
        expect(response.statusCode, url).toBe(200);
        expect(response.headers["content-type"]).toBe("application/xml; charset=utf-8");
        const protocols = xml.parse(response.body).Autodiscover.Response.Account.Protocol;
        expect(protocols.map((p: Record<string, string>) => `${p.Type}:${p.Port}:${p.LoginName}`)).toEqual([
          "IMAP:993:marie@exemple.fr",
          "IMAP:143:marie@exemple.fr",
          "POP3:995:marie",
          "SMTP:465:marie@exemple.fr",
          "SMTP:587:marie@exemple.fr",
        ]);
      }
    });

    it("answers Autodiscover errors without revealing anything", async () => {
      const post = (payload: string, type = "application/xml") =>
        s.app.inject({
          method: "POST",
          url: "/autodiscover/autodiscover.xml",
          headers: { "content-type": type },
          payload,
        });
      const unknown = await post(autodiscoverRequest("a@inconnu.fr"));
      expect(xml.parse(unknown.body).Autodiscover.Response.Error.ErrorCode).toBe("600");
      const garbage = await post("<nope");
      expect(xml.parse(garbage.body).Autodiscover.Response.Error.ErrorCode).toBe("600");
      const eas = await post(
        autodiscoverRequest(
          "marie@exemple.fr",
          "http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006",
        ),
      );
      expect(xml.parse(eas.body).Autodiscover.Response.Error.ErrorCode).toBe("601");
      const huge = await post(`<a>${"x".repeat(20_000)}</a>`);
      expect(huge.statusCode).toBe(413);
    });

    it("serves the Apple profile as an attachment, cacheable per address", async () => {
      const response = await s.app.inject({
        method: "GET",
        url: "/mobileconfig?emailaddress=marie%40exemple.fr",
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-type"]).toBe("application/x-apple-aspen-config");
      expect(response.headers["content-disposition"]).toBe('attachment; filename="exemple.fr.mobileconfig"');
      expect(response.headers["cache-control"]).toBe("private, max-age=300");
      const profile = plist.parse(response.body) as { PayloadContent: Array<Record<string, unknown>> };
      expect(profile.PayloadContent[0]!.IncomingMailServerUsername).toBe("marie@exemple.fr");
      const cached = await s.app.inject({
        method: "GET",
        url: "/mobileconfig?emailaddress=marie%40exemple.fr",
        headers: { "if-none-match": response.headers.etag as string },
      });
      expect(cached.statusCode).toBe(304);
      expect(
        (await s.app.inject({ method: "GET", url: "/mobileconfig?emailaddress=a%40inconnu.fr" })).statusCode,
      ).toBe(404);
    });

    it("reflects an admin's edit in the served documents at once", async () => {
      const before = await s.app.inject({
        method: "GET",
        url: "/mail/config-v1.1.xml?emailaddress=m%40exemple.fr",
      });
      const current = (await s.request("GET", `/api/v1/clients/domains/${domainId}`)).json();
      const patched = await s.request("PATCH", `/api/v1/clients/domains/${domainId}`, {
        version: current.version,
        displayName: "Exemple SA",
      });
      expect(patched.statusCode).toBe(200);
      const after = await s.app.inject({
        method: "GET",
        url: "/mail/config-v1.1.xml?emailaddress=m%40exemple.fr",
      });
      expect(after.body).toContain("<displayName>Exemple SA</displayName>");
      expect(after.headers.etag).not.toBe(before.headers.etag);
    });

    it("discovers settings through the API", async () => {
      const admin = await s.request("GET", "/api/v1/clients/discover?email=marie%40exemple.fr");
      expect(admin.json()).toMatchObject({ found: true, source: "admin" });
      const provider = await s.request("GET", "/api/v1/clients/discover?email=jean%40free.fr");
      expect(provider.json()).toMatchObject({ source: "provider", provider: { id: "free" } });
    });

    it("lists guides and renders one as HTML and as PDF", async () => {
      const list = await s.request("GET", "/api/v1/clients/guides");
      expect(list.json().items.map((g: { id: string }) => g.id)).toContain("outlook-express");
      const html = await s.request(
        "GET",
        "/api/v1/clients/guides/thunderbird?email=marie%40exemple.fr&lang=en",
      );
      expect(html.statusCode).toBe(200);
      expect(html.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(html.headers["content-security-policy"]).toContain("default-src 'none'");
      expect(html.body).toContain("Set up marie@exemple.fr in Thunderbird");
      expect(html.body).toContain("https://facteur.exemple.fr/mobileconfig?emailaddress=marie%40exemple.fr");
      const pdf = await s.request("GET", "/api/v1/clients/guides/outlook-2007.pdf?email=marie%40exemple.fr");
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers["content-type"]).toBe("application/pdf");
      // No page CSP on a PDF: Chromium's built-in viewer is blocked by object-src 'none' (security headers).
      expect(pdf.headers["content-security-policy"]).toBeUndefined();
      expect(pdf.headers["x-content-type-options"]).toBe("nosniff");
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
      const unknownClient = await s.request("GET", "/api/v1/clients/guides/eudora?email=marie%40exemple.fr");
      expect(unknownClient.statusCode).toBe(404);
      expect(unknownClient.json().error.code).toBe("GUIDE_CLIENT_UNKNOWN");
    });

    it("lists the DNS records to publish", async () => {
      const response = await s.request("GET", `/api/v1/clients/domains/${domainId}/dns`);
      const body = response.json();
      expect(body.facteurHost).toBe("facteur.exemple.fr");
      expect(body.zone).toEqual(
        expect.arrayContaining([
          "autoconfig.exemple.fr. 3600 IN CNAME facteur.exemple.fr.",
          "autodiscover.exemple.fr. 3600 IN CNAME facteur.exemple.fr.",
          "_imaps._tcp.exemple.fr. 3600 IN SRV 0 1 993 imap.exemple.fr.",
          "_submissions._tcp.exemple.fr. 3600 IN SRV 0 1 465 smtp.exemple.fr.",
          "_pop3._tcp.exemple.fr. 3600 IN SRV 0 0 0 .",
        ]),
      );
    });

    it("deletes a domain, and its documents stop being served", async () => {
      expect((await s.request("DELETE", `/api/v1/clients/domains/${domainId}`)).statusCode).toBe(204);
      expect(
        (await s.app.inject({ method: "GET", url: "/mail/config-v1.1.xml?emailaddress=m%40exemple.fr" }))
          .statusCode,
      ).toBe(404);
    });
  });
}
