import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServerSchema } from "../../src/domain/smtp-server.js";
import { backupDatabase, restoreDatabase } from "../../src/ops/backup.js";
import {
  createServer,
  deleteServer,
  getServerWithSecret,
  listServers,
} from "../../src/registry/server.service.js";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { createTestContext, STORE_KINDS } from "../helpers/context.js";
import { serverBody } from "../helpers/http.js";

describe.each(STORE_KINDS)("backup and restore on %s", (kind) => {
  it("brings back deleted servers with their passwords still decryptable", async () => {
    const t = await createTestContext(kind);
    const { server } = await createServer(
      t.ctx,
      createServerSchema.parse(serverBody({ title: "Sauvé", password: "B4ckup!Secret-1" })),
    );
    const file = join(
      mkdtempSync(join(tmpdir(), "facteur-backup-")),
      kind === "sqlite" ? "facteur.sqlite" : "facteur.dump",
    );
    const report = await backupDatabase(t.ctx, file);
    expect(report.bytes).toBeGreaterThan(1000);
    await deleteServer(t.ctx, server.id);
    await restoreDatabase(t.ctx, file); // closes the context
    const reopened = await createContext(t.config, {
      logger: createLogger("silent"),
      ...(t.pgSchema ? { pgSchema: t.pgSchema } : {}),
    });
    try {
      const titles = (
        await listServers(reopened, { sort: "id", order: "asc", page: 1, pageSize: 10 })
      ).items.map((s) => s.title);
      expect(titles).toEqual(["Sauvé"]);
      expect((await getServerWithSecret(reopened, server.id)).password).toBe("B4ckup!Secret-1");
    } finally {
      await reopened.close();
      t.ctx.close = async () => {};
      await t.dispose();
    }
  });
});
