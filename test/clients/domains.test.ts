import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FacteurError } from "../../src/domain/errors.js";
import {
  createDomain,
  deleteDomain,
  findDomainByName,
  getDomain,
  listDomains,
  settingsOfDomain,
  updateDomain,
} from "../../src/clients/domains/domain.service.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { EXAMPLE_DOMAIN } from "./fixtures.js";

for (const kind of STORE_KINDS) {
  describe(`mail domains on ${kind}`, () => {
    let t: TestContext;
    beforeAll(async () => {
      t = await createTestContext(kind);
    });
    afterAll(async () => {
      await t.dispose();
    });

    it("stores a domain with its servers in order and default ports", async () => {
      const created = await createDomain(t.ctx, EXAMPLE_DOMAIN);
      expect(created.name).toBe("exemple.fr");
      expect(created.displayName).toBe("Exemple & Cie");
      expect(created.incoming.map((s) => [s.protocol, s.port, s.security])).toEqual([
        ["imap", 143, "starttls"],
        ["imap", 993, "tls"],
        ["pop3", 995, "tls"],
      ]);
      expect(created.incoming[2]!.usernameTemplate).toBe("%EMAILLOCALPART%");
      expect(created.outgoing[1]).toMatchObject({
        port: 465,
        authentication: "encrypted_password",
        registryServerId: 7,
      });
      expect(created.version).toBe(1);
      expect(await listDomains(t.ctx)).toHaveLength(1);
    });

    it("ranks implicit TLS first in client settings (RFC 8314)", async () => {
      const view = (await findDomainByName(t.ctx, "exemple.fr"))!;
      const settings = settingsOfDomain(view);
      expect(settings.incoming.map((s) => `${s.protocol}:${s.port}`)).toEqual([
        "imap:993",
        "imap:143",
        "pop3:995",
      ]);
      expect(settings.outgoing.map((s) => s.port)).toEqual([465, 587]);
    });

    it("refuses a second domain of the same name (IDN compared as punycode)", async () => {
      await expect(createDomain(t.ctx, { ...EXAMPLE_DOMAIN, name: "EXEMPLE.fr." })).rejects.toMatchObject({
        code: "MAIL_DOMAIN_TAKEN",
      });
      const idn = await createDomain(t.ctx, { ...EXAMPLE_DOMAIN, name: "café.fr" });
      expect(idn.name).toBe("xn--caf-dma.fr");
    });

    it("explains invalid input field by field", async () => {
      const error = await createDomain(t.ctx, {
        name: "localhost",
        incoming: [{ protocol: "imap", host: "bad host", security: "tls", usernameForm: "custom" }],
        outgoing: [],
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FacteurError);
      const paths = (error as FacteurError).details!.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(["name", "incoming.0.host", "outgoing"]));
      const custom = await createDomain(t.ctx, {
        ...EXAMPLE_DOMAIN,
        name: "autre.fr",
        incoming: [{ protocol: "imap", host: "imap.autre.fr", security: "tls", usernameForm: "custom" }],
      }).catch((e: unknown) => e);
      expect((custom as FacteurError).details!.map((d) => d.path)).toEqual(["incoming.0.usernameTemplate"]);
    });

    it("updates with optimistic concurrency and replaces a server list", async () => {
      const view = (await findDomainByName(t.ctx, "exemple.fr"))!;
      const updated = await updateDomain(t.ctx, view.id, {
        version: view.version,
        outgoing: [
          {
            host: "smtp.exemple.fr",
            security: "tls",
            usernameForm: "custom",
            usernameTemplate: "u-%EMAILLOCALPART%",
          },
        ],
      });
      expect(updated.version).toBe(2);
      expect(updated.outgoing).toHaveLength(1);
      expect(updated.outgoing[0]!.usernameTemplate).toBe("u-%EMAILLOCALPART%");
      expect(updated.incoming).toHaveLength(3);
      await expect(updateDomain(t.ctx, view.id, { version: 1, displayName: "x" })).rejects.toMatchObject({
        code: "MAIL_DOMAIN_VERSION_CONFLICT",
      });
    });

    it("deletes a domain and its servers", async () => {
      const view = (await findDomainByName(t.ctx, "xn--caf-dma.fr"))!;
      await deleteDomain(t.ctx, view.id);
      await expect(getDomain(t.ctx, view.id)).rejects.toMatchObject({ code: "MAIL_DOMAIN_NOT_FOUND" });
      const left = await t.ctx.db
        .selectFrom("mail_domain_servers")
        .select("id")
        .where("domain_id", "=", view.id)
        .execute();
      expect(left).toHaveLength(0);
      await expect(deleteDomain(t.ctx, view.id)).rejects.toMatchObject({ code: "MAIL_DOMAIN_NOT_FOUND" });
    });
  });
}
