import type { Generated } from "kysely";
import type { Flag } from "../store/schema.js";

declare module "../store/schema.js" {
  interface Database {
    diagnostic_last_results: DiagnosticLastResultTable;
    diagnostic_bulk_runs: DiagnosticBulkRunTable;
    diagnostic_bulk_items: DiagnosticBulkItemTable;
  }
}

/** The last full test result of each stored server (transcript redacted); the summary is on smtp_servers.last_test_*. */
export interface DiagnosticLastResultTable {
  server_id: number;
  ok: Flag;
  code: string | null;
  tested_at: string;
  duration_ms: number;
  /** ProbeResult as JSON: credentials were redacted before it was built. */
  result_json: string;
}

export type BulkRunStatus = "running" | "done";

export interface DiagnosticBulkRunTable {
  id: Generated<number>;
  status: BulkRunStatus;
  total: number;
  done_count: number;
  ok_count: number;
  concurrency: number;
  created_at: string;
  finished_at: string | null;
}

export type BulkItemStatus = "pending" | "done";

export interface DiagnosticBulkItemTable {
  id: Generated<number>;
  run_id: number;
  server_id: number;
  status: BulkItemStatus;
  ok: Flag | null;
  code: string | null;
  duration_ms: number | null;
  finished_at: string | null;
  /** 1, 2, 3… in finishing order within the run: the cursor (SSE event id) of the progress stream. */
  finished_seq: number | null;
}
