import { afterEach, describe, expect, it } from "vitest";
import { hashToken, randomToken } from "../../src/auth/tokens.js";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";
import * as adminService from "../../src/auth/admin.service.js";
import { createTestContext, STORE_KINDS, type StoreKind, type TestContext } from "../helpers/context.js";

const STRONG = "Facteur!Premier-Admin-2026";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function rig(kind: StoreKind): Promise<{ t: TestContext; app: FacteurApp }> {
  const t = await createTestContext(kind);
  const app = await buildApp(t.ctx);
  cleanups.push(async () => {
    await app.close();
    await t.dispose();
  });
  return { t, app };
}

/** What `facteur serve` does at each start while no admin exists (old and new code alike). */
async function restart(t: TestContext): Promise<string> {
  const service = (await import("../../src/auth/first-run.service.js").catch(() => adminService)) as {
    issueFirstRunToken(ctx: TestContext["ctx"]): Promise<string>;
  };
  return service.issueFirstRunToken(t.ctx);
}

function setup(app: FacteurApp, token: string, email: string, password: string, ip = "203.0.113.1") {
  return app.inject({
    method: "POST",
    url: "/api/v1/first-run",
    payload: { token, email, password },
    remoteAddress: ip,
  });
}

async function adminCount(t: TestContext): Promise<number> {
  return (await t.ctx.db.selectFrom("admins").select("id").execute()).length;
}

describe.each(STORE_KINDS)("first-run setup on %s", (kind) => {
  it("keeps the link valid after a refused (weak) password, then succeeds with the same link", async () => {
    const { t, app } = await rig(kind);
    const token = await restart(t);
    const weak = await setup(app, token, "premier@exemple.fr", "motdepasse");
    expect(weak.statusCode).toBe(422);
    const badEmail = await setup(app, token, "pas-une-adresse", STRONG);
    expect(badEmail.statusCode).toBe(422);
    expect(await adminCount(t)).toBe(0);
    const ok = await setup(app, token, "premier@exemple.fr", STRONG);
    expect(ok.statusCode).toBe(201);
    expect(await adminCount(t)).toBe(1);
    const again = await setup(app, token, "second@exemple.fr", STRONG);
    expect([409, 410]).toContain(again.statusCode);
    expect(["FIRST_RUN_ALREADY_DONE", "FIRST_RUN_TOKEN_INVALID"]).toContain(again.json().error.code);
  });

  it("a restart voids the link printed by the previous start", async () => {
    const { t, app } = await rig(kind);
    const first = await restart(t);
    const second = await restart(t);
    const old = await setup(app, first, "premier@exemple.fr", STRONG);
    expect(old.statusCode).toBe(410);
    expect(old.json().error.code).toBe("FIRST_RUN_TOKEN_INVALID");
    expect((await setup(app, second, "premier@exemple.fr", STRONG)).statusCode).toBe(201);
  });

  it("two links from two restarts and many concurrent setups create exactly one admin", async () => {
    const { t, app } = await rig(kind);
    const tokens = [await restart(t), await restart(t)];
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        setup(app, tokens[i % 2]!, `admin${i}@exemple.fr`, STRONG, `203.0.113.${i + 1}`),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.statusCode !== 201)) {
      expect([409, 410]).toContain(answer.statusCode);
      expect(["FIRST_RUN_ALREADY_DONE", "FIRST_RUN_TOKEN_INVALID"]).toContain(answer.json().error.code);
    }
    expect(await adminCount(t)).toBe(1);
  });

  it("an admin made with the CLI closes first-run setup: a link printed before answers 409", async () => {
    const { t, app } = await rig(kind);
    const token = await restart(t);
    await adminService.createAdmin(t.ctx, "cli@exemple.fr", STRONG);
    const late = await setup(app, token, "premier@exemple.fr", STRONG);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe("FIRST_RUN_ALREADY_DONE");
    expect(await adminCount(t)).toBe(1);
  });

  it("the database itself refuses a second first admin, even with two links valid at once", async () => {
    const { t, app } = await rig(kind);
    // Two valid links side by side (as an older release left them after two restarts).
    const tokens = [randomToken(), randomToken()];
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    for (const token of tokens)
      await t.ctx.db
        .insertInto("first_run_tokens")
        .values({ token_hash: hashToken(token), expires_at: expires, used_at: null })
        .execute();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        setup(app, tokens[i % 2]!, `racer${i}@exemple.fr`, STRONG, `198.51.100.${i + 1}`),
      ),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(1);
    for (const answer of answers.filter((a) => a.statusCode !== 201))
      expect([409, 410]).toContain(answer.statusCode);
    expect(await adminCount(t)).toBe(1);
  });
});
