import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { connect, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createContext } from "../../src/app/context.js";
import { createLogger } from "../../src/app/logger.js";
import { randomToken } from "../../src/auth/tokens.js";
import { loadConfig } from "../../src/config/config.js";
import { buildApp } from "../../src/http/app.js";
import { backupDatabase } from "../../src/ops/backup.js";
import { createTestContext } from "../helpers/context.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe("one-time links in the log", () => {
  it("never writes a confirmation or setup token whole, at any level; a short prefix tells links apart", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await createTestContext("sqlite", { logger: createLogger("trace", sink) });
    const app = await buildApp(t.ctx);
    cleanups.push(async () => {
      await app.close();
      await t.dispose();
    });
    const confirmToken = randomToken();
    const setupToken = randomToken();
    await app.inject({ method: "GET", url: `/confirm/${confirmToken}` });
    await app.inject({ method: "POST", url: `/confirm/${confirmToken}?lang=en`, payload: "" });
    await app.inject({ method: "GET", url: `/setup?token=${setupToken}` });
    await app.inject({ method: "GET", url: `/setup?lang=fr&token=${setupToken}#x` });
    await app.inject({
      method: "POST",
      url: "/api/v1/first-run",
      payload: { token: setupToken, email: "a@exemple.fr", password: "court" },
    });
    const all = lines.join("");
    expect(all).toContain("incoming request");
    for (const token of [confirmToken, setupToken]) {
      expect(all).not.toContain(token);
      expect(all).not.toContain(token.slice(0, 12));
    }
    expect(all).toContain(`/confirm/${confirmToken.slice(0, 6)}`);
  });
});

/** One raw HTTP/1.1 request over TCP (the spellings `inject` would normalise away), answer ignored. */
async function rawRequest(port: number, requestLine: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () =>
      socket.end(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
    );
    socket.on("data", () => undefined);
    socket.on("close", () => resolve());
    socket.on("error", reject);
  });
}

describe("one-time links in the log, whatever the spelling", () => {
  it("cuts the token of a confirmation or setup link spelled in absolute form, with escapes or unmatched", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await createTestContext("sqlite", { logger: createLogger("trace", sink) });
    const app = await buildApp(t.ctx);
    cleanups.push(async () => {
      await app.close();
      await t.dispose();
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const port = (app.server.address() as AddressInfo).port;
    const token = randomToken();
    // Every character of the token escaped, one escaped in the middle, the route's first letter escaped.
    const allEscaped = [...token].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
    const midEscaped = `${token.slice(0, 20)}%${token.charCodeAt(20).toString(16)}${token.slice(21)}`;
    const targets = [
      `GET http://127.0.0.1:${port}/confirm/${token} HTTP/1.1`,
      `GET /%63onfirm/${token} HTTP/1.1`,
      `GET /confirm/${allEscaped} HTTP/1.1`,
      `GET /confirm/${midEscaped} HTTP/1.1`,
      `GET /confirm/${token}/extra HTTP/1.1`,
      `GET /nowhere?x=${token} HTTP/1.1`,
      `GET /setup?to%6Ben=${token} HTTP/1.1`,
      `GET /setup;token=${token} HTTP/1.0`,
    ];
    for (const target of targets) await rawRequest(port, target);
    const all = lines.join("");
    expect(all.match(/incoming request/g)?.length ?? 0).toBeGreaterThanOrEqual(targets.length);
    expect(all).not.toContain(token.slice(0, 12));
    expect(all).not.toContain(allEscaped.slice(0, 24));
  });
});

describe("data files", () => {
  it("keeps the data directory 0700 and the database, WAL, SHM, key file and backups 0600", async () => {
    const dir = mkdtempSync(join(tmpdir(), "facteur-modes-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dataDir = join(dir, "data");
    // An installation made by an older release, with the default umask: everything world-readable.
    mkdirSync(dataDir, { mode: 0o755 });
    const config = loadConfig({
      FACTEUR_DATA_DIR: dataDir,
      FACTEUR_LOG_LEVEL: "silent",
      FACTEUR_WORKER: "off",
    });
    const ctx = await createContext(config, { logger: createLogger("silent") });
    cleanups.push(() => ctx.close());
    await sql`create table mode_probe (a integer)`.execute(ctx.db); // a write: the WAL exists now
    const db = join(dataDir, "facteur.db");
    expect(existsSync(`${db}-wal`)).toBe(true);
    expect(mode(dataDir)).toBe(0o700);
    for (const file of [db, `${db}-wal`, `${db}-shm`]) expect(mode(file), file).toBe(0o600);
    const backupDir = join(dir, "backups");
    mkdirSync(backupDir);
    const report = await backupDatabase(ctx, join(backupDir, "facteur.backup"), true);
    expect(mode(report.file)).toBe(0o600);
    if (report.keyFile) expect(mode(report.keyFile)).toBe(0o600);
    if (existsSync(config.keyFile)) expect(mode(config.keyFile)).toBe(0o600);
  });

  it("tightens the files of an existing installation at start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "facteur-modes-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = loadConfig({ FACTEUR_DATA_DIR: dir, FACTEUR_LOG_LEVEL: "silent", FACTEUR_WORKER: "off" });
    const first = await createContext(config, { logger: createLogger("silent") });
    await first.close();
    const db = join(dir, "facteur.db");
    chmodSync(dir, 0o755);
    chmodSync(db, 0o644);
    const again = await createContext(config, { logger: createLogger("silent") });
    cleanups.push(() => again.close());
    expect(mode(dir)).toBe(0o700);
    expect(mode(db)).toBe(0o600);
  });
});
