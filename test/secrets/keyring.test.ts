import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FacteurError } from "../../src/domain/errors.js";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { createServer, getServerWithSecret } from "../../src/registry/server.service.js";
import { Keyring } from "../../src/secrets/keyring.js";
import { rotateSecrets } from "../../src/secrets/rotate.js";
import { serverPasswordAad } from "../../src/secrets/server-password.js";
import { createTestContext, STORE_KINDS, type TestContext } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";

describe("keyring", () => {
  it("creates the key file with mode 0600 and round-trips secrets", () => {
    const file = join(mkdtempSync(join(tmpdir(), "facteur-key-")), "secret.key");
    const keyring = Keyring.load({ keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const sealed = keyring.encrypt("Motdepasse!42", "col");
    expect(sealed).not.toContain("Motdepasse");
    expect(Keyring.load({ keyFile: file }).decrypt(sealed, "col")).toBe("Motdepasse!42");
  });

  it("refuses a value moved to another column (AAD) or tampered with", () => {
    const keyring = Keyring.load({
      secretKey: Buffer.alloc(32, 7).toString("base64"),
      keyFile: "/nonexistent",
    });
    const sealed = keyring.encrypt("secret", "a");
    expect(() => keyring.decrypt(sealed, "b")).toThrow(FacteurError);
    const parts = sealed.split(".");
    parts[4] = Buffer.from("tampered").toString("base64");
    expect(() => keyring.decrypt(parts.join("."), "a")).toThrow(FacteurError);
  });

  it("refuses a key of the wrong size with a clear message", () => {
    expect(() => Keyring.load({ secretKey: "c2hvcnQ=", keyFile: "/nonexistent" })).toThrow(/32/);
  });
});

describe.each(STORE_KINDS)("key rotation on %s", (kind) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(kind);
  });
  afterAll(async () => t.dispose());

  it("re-encrypts every stored password with a new key and forgets the old one", async () => {
    const { server } = await createServer(
      t.ctx,
      createServerSchema.parse(serverBody({ password: "Rot4tion!Secret" })),
    );
    const before = await t.ctx.db
      .selectFrom("smtp_servers")
      .select("password_enc")
      .where("id", "=", server.id)
      .executeTakeFirstOrThrow();
    const oldKeyId = t.ctx.keyring.currentKeyId;
    const report = await rotateSecrets(t.ctx.db, t.ctx.keyring);
    expect(report.reencrypted).toBe(1);
    expect(report.newKeyId).not.toBe(oldKeyId);
    const after = await t.ctx.db
      .selectFrom("smtp_servers")
      .select("password_enc")
      .where("id", "=", server.id)
      .executeTakeFirstOrThrow();
    expect(after.password_enc).not.toBe(before.password_enc);
    expect((await getServerWithSecret(t.ctx, server.id)).password).toBe("Rot4tion!Secret");
    const file = JSON.parse(readFileSync(t.config.keyFile, "utf8")) as {
      current: string;
      keys: Record<string, string>;
    };
    expect(Object.keys(file.keys)).toEqual([report.newKeyId]);
    // A fresh process reading the key file still decrypts.
    const reloaded = Keyring.load({ keyFile: t.config.keyFile });
    const row = await t.ctx.db
      .selectFrom("smtp_servers")
      .selectAll()
      .where("id", "=", server.id)
      .executeTakeFirstOrThrow();
    expect(reloaded.decrypt(after.password_enc!, serverPasswordAad(row))).toBe("Rot4tion!Secret");
  });
});
