import type { MailProtocol, SecurityMode } from "../domain/ports.js";
import type { LineSession, TlsTrust } from "./line-session.js";
import type { Capabilities, MailboxFacts, ProbeStep, StepName } from "./result.js";
import type { ProbeTimeouts } from "./timeouts.js";
import type { Transcript } from "./transcript.js";

/** What to test: the settings of a server as a form holds them, plus optional credentials and envelope. */
export interface ProbeRequest {
  protocol: MailProtocol;
  /** ASCII host name or IP (see domain/host.ts normalizeHost). */
  host: string;
  port: number;
  security: SecurityMode;
  user?: string | undefined;
  password?: string | undefined;
  /** SMTP: try CRAM-MD5 before PLAIN/LOGIN (accounts set to "encrypted password"). */
  preferChallengeAuth?: boolean | undefined;
  /** SMTP only: MAIL FROM / RCPT TO check, never followed by DATA (nothing is sent). */
  from?: string | undefined;
  to?: string | undefined;
  trust?: TlsTrust | undefined;
  timeouts?: Partial<ProbeTimeouts> | undefined;
  /** Try other ports/modes when the settings fail (default true). */
  tryAlternatives?: boolean | undefined;
}

/** Mutable state a protocol probe fills as it goes, so a failure still reports what was learnt. */
export class ProbeRun {
  readonly steps: ProbeStep[] = [];
  capabilities: Capabilities | null = null;
  authenticated = false;
  mailbox: MailboxFacts | null = null;

  constructor(
    readonly request: ProbeRequest,
    readonly transcript: Transcript,
    readonly timeouts: ProbeTimeouts,
  ) {}

  step(name: StepName, ok: boolean, ms: number, detail?: string): void {
    this.steps.push({ name, ok, ms, ...(detail !== undefined ? { detail } : {}) });
  }

  /** Runs one step, timing it and recording success or failure (the error is rethrown). */
  async timed<T>(
    name: StepName,
    action: () => Promise<T>,
    detail?: (value: T) => string | undefined,
  ): Promise<T> {
    const started = performance.now();
    try {
      const value = await action();
      const text = detail?.(value);
      this.step(name, true, Math.round(performance.now() - started), text);
      return value;
    } catch (error) {
      this.step(name, false, Math.round(performance.now() - started), (error as Error).message);
      throw error;
    }
  }
}

/** A protocol conversation over an open session (connect and implicit TLS already done). */
export type ProtocolProbe = (session: LineSession, run: ProbeRun) => Promise<void>;
