import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAutoconfigDocuments } from "../../src/clients/autoconfig/documents.js";
import { createDomain, findDomainByName, updateDomain } from "../../src/clients/domains/domain.service.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { EXAMPLE_DOMAIN } from "./fixtures.js";

for (const kind of STORE_KINDS) {
  describe(`autoconfig document cache on ${kind}`, () => {
    let t: TestContext;
    let now = new Date("2026-11-23T10:00:00Z");
    beforeAll(async () => {
      t = await createTestContext(kind, { now: () => now });
      await createDomain(t.ctx, EXAMPLE_DOMAIN);
    });
    afterAll(async () => {
      await t.dispose();
    });

    it("sees another instance's edit once the TTL has passed, and unknown domains stay unknown", async () => {
      const instanceA = createAutoconfigDocuments(t.ctx, { ttlMs: 5_000 });
      const before = (await instanceA.thunderbird("marie@exemple.fr", undefined))!;
      expect(before.body).toContain("<displayName>Exemple &amp; Cie</displayName>");
      // Another instance edits the domain directly in the shared database.
      const view = (await findDomainByName(t.ctx, "exemple.fr"))!;
      await updateDomain(t.ctx, view.id, { version: view.version, displayName: "Exemple SA" });
      expect((await instanceA.thunderbird("marie@exemple.fr", undefined))!.etag).toBe(before.etag);
      now = new Date(now.getTime() + 5_001);
      const after = (await instanceA.thunderbird("marie@exemple.fr", undefined))!;
      expect(after.body).toContain("<displayName>Exemple SA</displayName>");
      expect(after.etag).not.toBe(before.etag);
      expect(await instanceA.thunderbird("a@inconnu.fr", undefined)).toBeNull();
      expect(await instanceA.thunderbird("not an address", undefined)).toBeNull();
      expect(await instanceA.thunderbird(undefined, "AUTOCONFIG.Exemple.FR:443")).toEqual(after);
    });

    it("answers Autodiscover bodies, with 600 for unknown domains and garbage, 601 for ActiveSync", async () => {
      const docs = createAutoconfigDocuments(t.ctx);
      const body = (email: string, schema = "outlook/responseschema/2006a") =>
        `<Autodiscover><Request><EMailAddress>${email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/${schema}</AcceptableResponseSchema></Request></Autodiscover>`;
      const doc = await docs.autodiscover(body("marie@exemple.fr"));
      expect(typeof doc).toBe("object");
      expect(await docs.autodiscover(body("marie@exemple.fr"))).toBe(doc); // same body: served from the cache
      expect(await docs.autodiscover(body("marie@inconnu.fr"))).toBe(600);
      expect(await docs.autodiscover("<<<")).toBe(600);
      expect(await docs.autodiscover(body("marie@exemple.fr", "mobilesync/responseschema/2006"))).toBe(601);
    });
  });
}
