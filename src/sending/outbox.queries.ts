import type { SnapshotFile } from "../store/sql-snapshot.js";
import { claimDueMessages, settleMessages, type Settlement } from "./outbox.repository.js";

const NOW = new Date("2026-01-01T00:00:00.000Z");
const SETTLEMENT: Settlement = {
  id: 1,
  status: "sent",
  dueAt: null,
  pinnedServerId: 2,
  attemptCount: 1,
  lastServerId: 2,
  lastError: null,
  smtpMessageId: "<id@exemple.fr>",
  sentAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
};

/**
 * The worker's hot path: one claiming statement per batch (PostgreSQL skips rows other workers are claiming)
 * and one statement settling a batch of verdicts. The bodies are read only when the claim returned rows, so
 * the snapshot (which runs without a database) shows the claim alone.
 */
export const outboxQueries: SnapshotFile = {
  file: "outbox.repository.sql",
  source: "src/sending/outbox.repository.ts",
  cases: (["sqlite", "postgres"] as const).flatMap((dialect) => [
    {
      name: "claimDueMessages (queued, or sending with an expired claim; oldest due first)",
      dialect,
      run: (db) => claimDueMessages(db, dialect, "worker-1", NOW, 180_000, 32),
    },
    {
      name: "settleMessages (a batch of verdicts, only on messages this worker still holds)",
      dialect,
      run: (db) => settleMessages(db, "worker-1", [SETTLEMENT]),
    },
  ]),
};
