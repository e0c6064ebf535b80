import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, rmSync, statSync } from "node:fs";
import { promisify } from "node:util";
import type { AppContext } from "../app/context.js";
import { assertFacteurSqliteFile, currentSchema, vacuumInto } from "./database.repository.js";
import { createPrivateFile, DATA_FILE_MODE, secureSqliteFiles } from "../store/file-modes.js";

const run = promisify(execFile);
const DUMP_MAX_BUFFER = 64 * 1024 * 1024; // pg_dump/pg_restore chatter on stderr, not the dump itself

export interface BackupReport {
  file: string;
  bytes: number;
  dialect: "sqlite" | "postgres";
  keyFile: string | null;
}

/**
 * A consistent online backup: `VACUUM INTO` for SQLite (a transactionally consistent copy while Facteur runs),
 * `pg_dump --format=custom` of Facteur's schema for PostgreSQL. The encryption key is NOT inside: keep it apart
 * (a backup holding both the ciphertext and the key protects nothing). `withKey` copies it beside on purpose.
 */
export async function backupDatabase(ctx: AppContext, file: string, withKey = false): Promise<BackupReport> {
  if (existsSync(file)) rmSync(file);
  createPrivateFile(file); // empty and 0600: VACUUM INTO and pg_dump write into it and keep the mode
  if (ctx.dialect === "sqlite") {
    await vacuumInto(ctx.db, file);
  } else {
    const schema = await currentSchema(ctx.db);
    await run(
      "pg_dump",
      ["--format=custom", `--schema=${schema}`, `--file=${file}`, ctx.config.databaseUrl],
      {
        maxBuffer: DUMP_MAX_BUFFER,
      },
    );
  }
  let keyFile: string | null = null;
  if (withKey && !ctx.config.secretKey && existsSync(ctx.config.keyFile)) {
    keyFile = `${file}.key`;
    copyFileSync(ctx.config.keyFile, keyFile);
    chmodSync(keyFile, DATA_FILE_MODE);
  }
  return { file, bytes: statSync(file).size, dialect: ctx.dialect, keyFile };
}

/**
 * Restores a backup made by `backupDatabase` into the configured database. Stop every Facteur process first:
 * SQLite is replaced file-wise, PostgreSQL objects of the schema are dropped and recreated (`pg_restore --clean`).
 */
export async function restoreDatabase(ctx: AppContext, file: string): Promise<void> {
  if (!existsSync(file)) throw new Error(`Fichier introuvable / file not found: ${file}`);
  if (ctx.dialect === "sqlite") {
    // Refuse anything that is not a Facteur SQLite database before touching the live file.
    assertFacteurSqliteFile(file);
    const target = ctx.config.databaseUrl.slice("sqlite:".length);
    await ctx.close();
    for (const suffix of ["-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
    copyFileSync(file, target);
    secureSqliteFiles(target); // the copy took the backup file's mode
    return;
  }
  const schema = await currentSchema(ctx.db);
  await ctx.close();
  await run(
    "pg_restore",
    [
      "--clean",
      "--if-exists",
      "--no-owner",
      `--schema=${schema}`,
      `--dbname=${ctx.config.databaseUrl}`,
      file,
    ],
    { maxBuffer: DUMP_MAX_BUFFER },
  );
}
