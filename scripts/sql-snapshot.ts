// Rewrites the reviewed SQL snapshots (src/store/queries/*.sql) from the repositories: `npm run sql:snapshot`.
// test/store/sql-snapshot.test.ts fails while a committed file differs from what this would write.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serverQueries } from "../src/registry/server.queries.js";
import { outboxQueries } from "../src/sending/outbox.queries.js";
import { renderSnapshot, type SnapshotFile } from "../src/store/sql-snapshot.js";

export const SNAPSHOTS: SnapshotFile[] = [serverQueries, outboxQueries];
export const QUERIES_DIR = join(fileURLToPath(new URL("..", import.meta.url)), "src", "store", "queries");

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const snapshot of SNAPSHOTS) {
    writeFileSync(join(QUERIES_DIR, snapshot.file), await renderSnapshot(snapshot));
    process.stdout.write(`wrote src/store/queries/${snapshot.file}\n`);
  }
}
