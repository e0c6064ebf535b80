import { useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import type { BulkProgressEvent } from "../../../src/diagnostics/bulk.service.js";
import type { bulkRunSchema, probeResultSchema } from "../../../src/diagnostics/result.schema.js";
import { api } from "./client.js";
import { serversKey } from "./servers.js";

/** A connection test's outcome, explained (src/diagnostics/result.schema.ts). */
export type ProbeResult = z.infer<typeof probeResultSchema>;
/** A bulk test run and its counters. */
export type BulkRun = z.infer<typeof bulkRunSchema>;
/** One `progress` event of a bulk run's stream: a tested server (the route adds the run's total). */
export type BulkProgress = BulkProgressEvent & { total: number };

/** Tests a stored server (nothing is sent), trying other port/security pairs when it fails. */
export function testStoredServer(id: number): Promise<ProbeResult> {
  return api<ProbeResult>("POST", `/servers/${id}/test`, { body: { tryAlternatives: true } });
}

/** Starts testing the given stored servers; follow it with {@link bulkEventsUrl}. */
export function startBulkTest(serverIds: number[]): Promise<BulkRun> {
  return api<BulkRun>("POST", "/diagnostics/bulk", { body: { serverIds } });
}

/** The run's server-sent events (`progress`, then `done`), resumable with Last-Event-ID. */
export function bulkEventsUrl(runId: number): string {
  return `/api/v1/diagnostics/bulk/${runId}/events`;
}

/**
 * Runs the test once when the dialog opens (a query, not a mutation: opening the dialog twice in a row
 * shares one run) and tells the caller when the stored result has changed.
 */
export function useServerTest(id: number, onDone: () => void) {
  return useQuery({
    queryKey: [...serversKey, "test", id],
    gcTime: 0,
    retry: false,
    queryFn: async () => {
      const result = await testStoredServer(id);
      onDone();
      return result;
    },
  });
}
