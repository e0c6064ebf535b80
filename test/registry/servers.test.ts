import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FacteurError } from "../../src/domain/errors.js";
import { createServerSchema, updateServerSchema } from "../../src/domain/smtp-server.js";
import {
  createDepartment,
  deleteDepartment,
  listDepartments,
  renameDepartment,
} from "../../src/registry/department.service.js";
import {
  createServer,
  deleteServer,
  getServer,
  getServerWithSecret,
  iterateServers,
  listServers,
  updateServer,
} from "../../src/registry/server.service.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";

function expectCode(promise: Promise<unknown>, code: string) {
  return expect(promise).rejects.toSatisfy((e: unknown) => e instanceof FacteurError && e.code === code);
}

describe.each(STORE_KINDS)("server registry on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => t.dispose());

  it("creates a server, keeps the password encrypted and returns it only through getServerWithSecret", async () => {
    const { server, warnings } = await createServer(
      t.ctx,
      createServerSchema.parse(serverBody({ port: 465, security: "starttls" })),
    );
    expect(server.hasPassword).toBe(true);
    expect(JSON.stringify(server)).not.toContain("Tr0ub4dor");
    expect(warnings.map((w) => w.code)).toEqual(["STARTTLS_ON_TLS_PORT"]);
    const row = await t.ctx.db
      .selectFrom("smtp_servers")
      .select("password_enc")
      .where("id", "=", server.id)
      .executeTakeFirstOrThrow();
    expect(row.password_enc).toMatch(/^v1\./);
    expect(row.password_enc).not.toContain("Tr0ub4dor");
    expect((await getServerWithSecret(t.ctx, server.id)).password).toBe("Tr0ub4dor&3-Secret");
  });

  it("searches across title, host, mail, user and sender name, accent- and case-insensitively", async () => {
    await createServer(
      t.ctx,
      createServerSchema.parse(
        serverBody({ title: "Équipe Vente", host: "mail.vente.example", senderName: "Ventes Sud" }),
      ),
    );
    await createServer(
      t.ctx,
      createServerSchema.parse(serverBody({ title: "Achats", username: "achat-user@exemple.fr" })),
    );
    expect(
      (await listServers(t.ctx, { q: "equipe", sort: "id", order: "asc", page: 1, pageSize: 50 })).items.map(
        (s) => s.title,
      ),
    ).toEqual(["Équipe Vente"]);
    expect(
      (await listServers(t.ctx, { q: "VENTE.EXAMPLE", sort: "id", order: "asc", page: 1, pageSize: 50 }))
        .total,
    ).toBe(1);
    expect(
      (await listServers(t.ctx, { q: "achat-user", sort: "id", order: "asc", page: 1, pageSize: 50 })).total,
    ).toBe(1);
    expect(
      (await listServers(t.ctx, { q: "sud", sort: "id", order: "asc", page: 1, pageSize: 50 })).total,
    ).toBe(1);
    // LIKE wildcards are searched literally.
    expect(
      (await listServers(t.ctx, { q: "%", sort: "id", order: "asc", page: 1, pageSize: 50 })).total,
    ).toBe(0);
  });

  it("keeps the search index in step with updates and deletes", async () => {
    const { server } = await createServer(
      t.ctx,
      createServerSchema.parse(serverBody({ title: "Kangourou bleu" })),
    );
    const search = async (q: string) =>
      (await listServers(t.ctx, { q, sort: "title", order: "asc", page: 1, pageSize: 50 })).items.map(
        (s) => s.id,
      );
    expect(await search("kangourou")).toEqual([server.id]);
    await updateServer(
      t.ctx,
      server.id,
      updateServerSchema.parse({ version: server.version, title: "Wombat vert" }),
    );
    expect(await search("kangourou")).toEqual([]);
    expect(await search("wombat")).toEqual([server.id]);
    expect(await search("wo")).toContain(server.id); // too short for trigrams: scanned instead
    await deleteServer(t.ctx, server.id);
    expect(await search("wombat")).toEqual([]);
  });

  it("pages a search sorted by title and keeps the total past the last page", async () => {
    for (const title of ["Zèbre nord", "Zèbre sud", "Zèbre est"]) {
      await createServer(t.ctx, createServerSchema.parse(serverBody({ title })));
    }
    const page = (n: number) =>
      listServers(t.ctx, { q: "zebre", sort: "title", order: "asc", page: n, pageSize: 2 });
    const [first, second, beyond] = [await page(1), await page(2), await page(3)];
    expect(first.items.map((s) => s.title)).toEqual(["Zèbre est", "Zèbre nord"]);
    expect(second.items.map((s) => s.title)).toEqual(["Zèbre sud"]);
    expect([first.total, second.total, beyond.total]).toEqual([3, 3, 3]);
    expect(beyond.items).toEqual([]);
  });

  it("streams every server in table order, batch after batch (keyset), for every sort", async () => {
    for (const sort of ["id", "title", "host", "port", "security", "usage", "confirmation"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const expected = (await listServers(t.ctx, { sort, order, page: 1, pageSize: 200 })).items.map(
          (s) => s.id,
        );
        const streamed: number[] = [];
        for await (const server of iterateServers(t.ctx, { sort, order }, 2)) streamed.push(server.id);
        expect(streamed, `${sort} ${order}`).toEqual(expected);
      }
    }
  });

  it("sorts on every column and paginates without overlap", async () => {
    for (const sort of [
      "id",
      "title",
      "host",
      "port",
      "authentication",
      "security",
      "mail",
      "senderName",
      "username",
      "usage",
      "confirmation",
    ] as const) {
      const all = await listServers(t.ctx, { sort, order: "desc", page: 1, pageSize: 200 });
      const page1 = await listServers(t.ctx, { sort, order: "desc", page: 1, pageSize: 2 });
      const page2 = await listServers(t.ctx, { sort, order: "desc", page: 2, pageSize: 2 });
      expect([...page1.items, ...page2.items].map((s) => s.id)).toEqual(
        all.items.slice(0, 4).map((s) => s.id),
      );
    }
    const byTitle = await listServers(t.ctx, { sort: "title", order: "asc", page: 1, pageSize: 200 });
    const titles = byTitle.items.map((s) => s.title);
    expect(titles).toEqual([...titles].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  });

  it("refuses a stale version instead of overwriting (optimistic concurrency)", async () => {
    const { server } = await createServer(t.ctx, createServerSchema.parse(serverBody()));
    const first = await updateServer(
      t.ctx,
      server.id,
      updateServerSchema.parse({ version: server.version, title: "Admin A" }),
    );
    expect(first.server.version).toBe(server.version + 1);
    await expectCode(
      updateServer(t.ctx, server.id, updateServerSchema.parse({ version: server.version, title: "Admin B" })),
      "VERSION_CONFLICT",
    );
    expect((await getServer(t.ctx, server.id)).title).toBe("Admin A");
  });

  it("clears the confirmation when host, port, security, user or password change, not when the title does", async () => {
    const { server } = await createServer(t.ctx, createServerSchema.parse(serverBody()));
    const confirm = () =>
      t.ctx.db
        .updateTable("smtp_servers")
        .set({ confirmed_at: "2026-01-01T00:00:00.000Z", confirmation_sent_at: "2026-01-01T00:00:00.000Z" })
        .where("id", "=", server.id)
        .execute();
    await confirm();
    let current = await getServer(t.ctx, server.id);
    current = (
      await updateServer(
        t.ctx,
        server.id,
        updateServerSchema.parse({ version: current.version, title: "Renamed" }),
      )
    ).server;
    expect(current.confirmation.state).toBe("confirmed");
    // Endpoint changes carry the password again: the stored one is bound to the old settings.
    const password = "Tr0ub4dor&3-Secret";
    for (const change of [
      { host: "smtp2.exemple.fr", password },
      { port: 2525, password },
      { security: "tls", password },
      { username: "other@exemple.fr", password },
      { password: "N0uveau!Secret-42" },
    ]) {
      await confirm();
      current = await getServer(t.ctx, server.id);
      current = (
        await updateServer(
          t.ctx,
          server.id,
          updateServerSchema.parse({ version: current.version, ...change }),
        )
      ).server;
      expect(current.confirmation.state, JSON.stringify(change)).toBe("never_sent");
    }
  });

  it("stores a custom usage and refuses unknown departments", async () => {
    const achat = await createDepartment(t.ctx, "Achat-" + kind);
    const { server } = await createServer(
      t.ctx,
      createServerSchema.parse(serverBody({ usage: { mode: "custom", departmentIds: [achat.id] } })),
    );
    expect(server.usage).toEqual({
      mode: "custom",
      departmentIds: [achat.id],
      departments: [{ id: achat.id, name: achat.name }],
    });
    await expectCode(
      createServer(
        t.ctx,
        createServerSchema.parse(serverBody({ usage: { mode: "custom", departmentIds: [999999] } })),
      ),
      "VALIDATION_FAILED",
    );
    await expectCode(deleteDepartment(t.ctx, achat.id), "DEPARTMENT_IN_USE");
    await deleteServer(t.ctx, server.id);
    await deleteDepartment(t.ctx, achat.id);
    expect((await listDepartments(t.ctx)).some((d) => d.id === achat.id)).toBe(false);
  });

  it("keeps department names unique regardless of case and accents", async () => {
    const d = await createDepartment(t.ctx, "Électricité");
    await expectCode(createDepartment(t.ctx, "electricite"), "DEPARTMENT_NAME_TAKEN");
    expect((await renameDepartment(t.ctx, d.id, "Électricité générale")).name).toBe("Électricité générale");
  });

  it("sanitises the signature (no script, no event handler, cid logo kept)", async () => {
    const { server } = await createServer(
      t.ctx,
      createServerSchema.parse(
        serverBody({
          signatureHtml:
            '<p onclick="x()">Cordialement<script>alert(1)</script><img src="cid:logo" onerror="x()"><a href="javascript:alert(1)">lien</a></p>',
        }),
      ),
    );
    expect(server.signatureHtml).toContain("Cordialement");
    expect(server.signatureHtml).toContain('src="cid:logo"');
    expect(server.signatureHtml).not.toMatch(/script|onclick|onerror|javascript:/i);
  });

  it("answers SERVER_NOT_FOUND for unknown ids", async () => {
    await expectCode(getServer(t.ctx, 987654), "SERVER_NOT_FOUND");
    await expectCode(deleteServer(t.ctx, 987654), "SERVER_NOT_FOUND");
  });
});
