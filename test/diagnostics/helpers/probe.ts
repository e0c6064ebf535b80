import { expect } from "vitest";
import type { ProbeFailureCode } from "../../../src/domain/codes/diagnostics.js";
import { runProbe, type ProbeRequest } from "../../../src/diagnostics/probe.js";
import type { ProbeResult } from "../../../src/diagnostics/result.js";
import { loopbackPolicy } from "../../helpers/target-policies.js";
import { formatTranscript } from "../../../src/diagnostics/transcript.js";

/** Short waits: a test server silent for 1 s is as silent as one silent for 10 s (and CI stays quick). */
export const FAST = { connectMs: 2_000, greetingMs: 1_000, commandMs: 1_000, dnsMs: 3_000 };

/** The suite's servers are on loopback: the test policy opens it (the default refuses it). */
export const policy = loopbackPolicy();

export function probe(request: Partial<ProbeRequest> & Pick<ProbeRequest, "port">): Promise<ProbeResult> {
  return runProbe(
    { protocol: "smtp", host: "127.0.0.1", security: "none", timeouts: FAST, ...request },
    { policy, kind: "diagnostics" },
  );
}

/** The failure has the stable code, a diagnosis and a fix in both languages, and no secret anywhere. */
export function expectFailure(result: ProbeResult, code: ProbeFailureCode, password?: string): void {
  expect(result.ok, formatTranscript(result.transcript)).toBe(false);
  expect(result.failure?.code, formatTranscript(result.transcript)).toBe(code);
  for (const lang of ["fr", "en"] as const) {
    expect(result.failure!.diagnosis[lang].length).toBeGreaterThan(10);
    expect(result.failure!.fix[lang].length).toBeGreaterThan(10);
  }
  expect(result.failure!.diagnosis.fr).not.toBe(result.failure!.diagnosis.en);
  if (password) expectNoSecret(result, password);
}

/** Neither the password nor any base64 form of it appears anywhere in the result. */
export function expectNoSecret(result: ProbeResult, password: string): void {
  const serialized = JSON.stringify(result);
  const b64 = Buffer.from(password).toString("base64");
  expect(serialized).not.toContain(password);
  expect(serialized).not.toContain(b64);
  expect(serialized).not.toContain(b64.replace(/=+$/, ""));
}
