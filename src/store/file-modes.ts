import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";

/** Data files (SQLite database, its -wal and -shm, key file, backups): owner read/write only. */
export const DATA_FILE_MODE = 0o600;
/** The data directory: owner only (nobody else may list, read or create files in it). */
export const DATA_DIR_MODE = 0o700;

function tighten(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch (error) {
    // A file owned by someone else (shared mount, root-created dir): leave it, the start must not fail here.
    if (
      (error as NodeJS.ErrnoException).code !== "EPERM" &&
      (error as NodeJS.ErrnoException).code !== "ENOENT"
    )
      throw error;
  }
}

/** Creates the directory (0700) if missing, and tightens an existing one to 0700. */
export function secureDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
  tighten(dir, DATA_DIR_MODE);
}

/** Tightens an existing data file to 0600 (no-op when missing). */
export function secureFile(path: string): void {
  if (existsSync(path)) tighten(path, DATA_FILE_MODE);
}

/**
 * Makes sure a file exists with mode 0600 before anything writes to it: SQLite creates its -wal and -shm with
 * the database file's permissions, and `VACUUM INTO` / pg_dump keep those of an existing empty file, so no
 * copy of the data is ever readable by others, not even for a moment.
 */
export function createPrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, "a", DATA_FILE_MODE));
  tighten(path, DATA_FILE_MODE);
}

/** The SQLite database of `path` and its companions, created or tightened to 0600. */
export function secureSqliteFiles(path: string): void {
  createPrivateFile(path);
  for (const suffix of ["-wal", "-shm", "-journal"]) secureFile(`${path}${suffix}`);
}
