import type { SnapshotFile } from "../store/sql-snapshot.js";
import {
  countServers,
  countServersByTrigram,
  selectServerPage,
  selectServerPageByTrigram,
  trigramPattern,
} from "./server.repository.js";

const TERM = "relay"; // a search term the trigram index can serve (three characters or more, no LIKE metacharacter)
const PATTERN = trigramPattern(TERM) ?? "";

/**
 * The registry's search queries, as `listServers` sends them: the hot path of the servers table (every
 * keystroke in the search box). SQLite answers from the FTS5 trigram index, PostgreSQL from pg_trgm's GIN index.
 */
export const serverQueries: SnapshotFile = {
  file: "server.repository.sql",
  source: "src/registry/server.repository.ts",
  cases: [
    {
      name: "selectServerPageByTrigram (search sorted by title; the second count runs only on an empty page)",
      dialect: "sqlite",
      run: (db) => selectServerPageByTrigram(db, PATTERN, "title", "asc", 0, 50),
    },
    {
      name: "countServersByTrigram (search sorted by id: the count chooses the plan)",
      dialect: "sqlite",
      run: (db) => countServersByTrigram(db, PATTERN),
    },
    {
      name: "selectServerPage (search sorted by id, few matches: ids from the trigram index)",
      dialect: "sqlite",
      run: (db) => selectServerPage(db, { q: TERM, useTrigramIndex: true }, "id", "asc", 0, 50),
    },
    {
      name: "selectServerPage (search sorted by id, many matches: walk the ids)",
      dialect: "sqlite",
      run: (db) => selectServerPage(db, { q: TERM, useTrigramIndex: false }, "id", "asc", 0, 50),
    },
    {
      name: "countServers (search)",
      dialect: "postgres",
      run: (db) => countServers(db, { q: TERM }),
    },
    {
      name: "selectServerPage (search sorted by title)",
      dialect: "postgres",
      run: (db) => selectServerPage(db, { q: TERM }, "title", "asc", 0, 50),
    },
  ],
};
