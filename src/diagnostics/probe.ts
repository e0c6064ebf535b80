import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import { FacteurError, isFacteurError } from "../domain/errors.js";
import { normalizeHost } from "../domain/host.js";
import { TARGET_REFUSAL_CODES, type ConnectionKind, type TargetPolicy } from "../net/target-policy.js";
import { portSecurityWarnings } from "../domain/ports.js";
import { redactDeep, secretRedactor, wholeSecretRedactor } from "../secrets/redact.js";
import { ALTERNATIVE_TRIGGERS, alternativeSettings } from "./alternatives.js";
import { classifyFailure, explainCode, type FailureContext } from "./explain.js";
import { probeImap } from "./imap-probe.js";
import { LineSession, ProbeError } from "./line-session.js";
import { probePop3 } from "./pop3-probe.js";
import { ProbeRun, type ProbeRequest, type ProtocolProbe } from "./probe-run.js";
import { ResolveError, resolveTarget } from "./resolve.js";
import type { AlternativeResult, DnsResult, ProbeFailure, ProbeResult, ProbeWarning } from "./result.js";
import { probeSmtp } from "./smtp-probe.js";
import { ALTERNATIVE_TIMEOUTS, DEFAULT_TIMEOUTS, type ProbeTimeouts } from "./timeouts.js";
import { Transcript } from "./transcript.js";

export type { ProbeRequest } from "./probe-run.js";

const PROTOCOLS: Record<ProbeRequest["protocol"], ProtocolProbe> = {
  smtp: probeSmtp,
  imap: probeImap,
  pop3: probePop3,
};

/** Connection errors after which the next resolved address is worth a try (nodemailer does the same). */
const TRY_NEXT_ADDRESS = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);
/** At most this many addresses per test: a name with 20 A records must not multiply the wait by 20. */
const MAX_ADDRESSES_TRIED = 3;

export interface ProbeDependencies {
  /** The outbound target policy: judges every address and takes the connection budget before connecting. */
  policy: TargetPolicy;
  kind: ConnectionKind;
}

interface Conversation {
  run: ProbeRun;
  failure: ProbeFailure | null;
  address: string | null;
  tls: ProbeResult["tls"];
}

/** Connects to one of the addresses and holds the protocol conversation; never throws for remote failures. */
async function converse(
  request: ProbeRequest,
  addresses: string[],
  transcript: Transcript,
  timeouts: ProbeTimeouts,
  deps: ProbeDependencies,
): Promise<Conversation> {
  const run = new ProbeRun(request, transcript, timeouts);
  let session: LineSession | null = null;
  let failure: ProbeFailure | null = null;
  let address: string | null = null;
  let tls: ProbeResult["tls"] = null;
  const trust = request.trust ?? {};
  for (const candidate of addresses.slice(0, MAX_ADDRESSES_TRIED)) {
    address = candidate;
    try {
      // Judged again and counted right before connecting, on the very address dialled (no second lookup).
      await deps.policy.admit(deps.kind, candidate, request.port, request.host);
      session = await LineSession.open(
        { host: request.host, address: candidate, port: request.port },
        { implicitTls: request.security === "tls", transcript, trust, timeouts },
        (name, ok, ms, detail) => run.step(name, ok, ms, detail),
      );
      failure = null;
      break;
    } catch (error) {
      if (isFacteurError(error) && TARGET_REFUSAL_CODES.has(error.code)) {
        failure = { step: "connect", code: error.code as ProbeFailureCode, message: error.message };
        transcript.add("error", error.message, false);
        break;
      }
      if (!(error instanceof ProbeError)) throw error;
      failure = error.failure;
      tls = error.tls;
      transcript.add("error", error.message, false);
      if (error.failure.step !== "connect" || !TRY_NEXT_ADDRESS.has(error.failure.errorCode ?? "")) break;
    }
  }
  if (session) {
    try {
      await PROTOCOLS[request.protocol](session, run);
    } catch (error) {
      if (!(error instanceof ProbeError)) throw error;
      failure = error.failure;
      transcript.add("error", error.message, session.isSecure);
    } finally {
      session.close();
    }
  }
  return { run, failure, address, tls: session?.tls ?? tls };
}

function shorter(a: ProbeTimeouts, b: ProbeTimeouts): ProbeTimeouts {
  return {
    dnsMs: Math.min(a.dnsMs, b.dnsMs),
    connectMs: Math.min(a.connectMs, b.connectMs),
    greetingMs: Math.min(a.greetingMs, b.greetingMs),
    commandMs: Math.min(a.commandMs, b.commandMs),
  };
}

/** Tries the usual other settings in parallel, without credentials, to propose one that connects. */
async function tryAlternatives(
  request: ProbeRequest,
  address: string,
  timeouts: ProbeTimeouts,
  deps: ProbeDependencies,
): Promise<AlternativeResult[]> {
  const budget = shorter(ALTERNATIVE_TIMEOUTS, timeouts);
  const settings = alternativeSettings(request.protocol, request.port, request.security);
  return Promise.all(
    settings.map(async ({ port, security }) => {
      const started = performance.now();
      const light: ProbeRequest = {
        protocol: request.protocol,
        host: request.host,
        port,
        security,
        // An alternative only has to connect and negotiate; the certificate is reported, not enforced.
        trust: { ...request.trust, acceptInvalidCertificate: true },
      };
      const { failure, tls } = await converse(light, [address], new Transcript(), budget, deps);
      const ctx: FailureContext = { protocol: request.protocol, host: request.host, port, security };
      return {
        port,
        security,
        ok: failure === null,
        code: failure ? classifyFailure(failure, ctx) : null,
        ms: Math.round(performance.now() - started),
        certificateOk: tls ? tls.authorized : null,
      };
    }),
  );
}

/** Refines a vague code with what the alternatives proved (a timeout on 465 that TLS cures is a mode mismatch). */
function refine(
  code: ProbeFailureCode,
  request: ProbeRequest,
  alternatives: AlternativeResult[],
): ProbeFailureCode {
  const samePortWorks = (security: string) =>
    alternatives.some((a) => a.ok && a.port === request.port && a.security === security);
  if (
    (code === "GREETING_TIMEOUT" || code === "CONNECTION_DROPPED") &&
    request.security !== "tls" &&
    samePortWorks("tls")
  ) {
    return "TLS_MODE_MISMATCH_USE_TLS";
  }
  if (code === "TLS_HANDSHAKE_FAILED" && request.security === "tls" && samePortWorks("starttls"))
    return "TLS_MODE_MISMATCH_USE_STARTTLS";
  return code;
}

function pickSuggestion(alternatives: AlternativeResult[]): ProbeResult["suggestion"] {
  const working = alternatives.filter((a) => a.ok);
  const best = working.find((a) => a.certificateOk !== false) ?? working[0];
  return best ? { port: best.port, security: best.security } : null;
}

/**
 * Tests mail server settings like swaks / telnet would, and explains the outcome. Throws only for bad
 * input (TARGET_INVALID); every remote failure is a result with `ok: false` and an explained `failure`.
 */
export async function runProbe(input: ProbeRequest, deps: ProbeDependencies): Promise<ProbeResult> {
  const host = normalizeHost(input.host);
  if (host === null || !Number.isInteger(input.port) || input.port < 1 || input.port > 65535)
    throw new FacteurError("TARGET_INVALID");
  const request: ProbeRequest = { ...input, host };
  const timeouts: ProbeTimeouts = { ...DEFAULT_TIMEOUTS, ...input.timeouts };
  const startedAt = new Date();
  const started = performance.now();
  // Server words (lines received, errors, step details, the failure reply) lose the secret in any form and
  // any part of it; Facteur's own words around them (explanations, host, codes) lose the whole secret only.
  const secret = { user: request.user, password: request.password };
  const redactReply = secretRedactor(secret);
  const redact = wholeSecretRedactor(secret);
  const transcript = new Transcript(redact, started, redactReply);
  const ctx: FailureContext = {
    protocol: request.protocol,
    host,
    port: request.port,
    security: request.security,
  };

  let dns: DnsResult | null = null;
  let conversation: Conversation | null = null;
  let failure: ProbeFailure | null = null;
  const dnsStarted = performance.now();
  try {
    const resolved = await resolveTarget(host, request.port, deps.policy, deps.kind, timeouts.dnsMs);
    dns = resolved.dns;
    if (resolved.permitted.length === 0) {
      failure = {
        step: "dns",
        code: resolved.refusal?.code ?? "TARGET_BLOCKED",
        message: `refused by the target policy (${resolved.refusal?.reason ?? "no address"}): ${resolved.dns.addresses.join(", ")}`,
      };
      transcript.add("error", failure.message, false);
    } else {
      conversation = await converse(request, resolved.permitted, transcript, timeouts, deps);
      failure = conversation.failure;
      dns.used = conversation.address;
    }
  } catch (error) {
    if (!(error instanceof ResolveError)) throw error;
    failure = { step: "dns", errorCode: error.errorCode, message: error.message };
    transcript.add("error", error.message, false);
  }
  const steps = [
    {
      name: "dns" as const,
      ok: dns !== null && !(failure?.step === "dns" && failure.code !== undefined),
      ms: dns?.ms ?? Math.round(performance.now() - dnsStarted),
      detail: dns?.addresses.join(", ") ?? failure?.message ?? "",
    },
    ...(conversation?.run.steps ?? []).map((step) =>
      step.detail === undefined ? step : { ...step, detail: redactReply(step.detail) },
    ),
  ];

  let alternatives: AlternativeResult[] = [];
  let code = failure ? classifyFailure(failure, ctx) : null;
  if (code && ALTERNATIVE_TRIGGERS.has(code) && input.tryAlternatives !== false && dns?.used) {
    alternatives = await tryAlternatives(request, dns.used, timeouts, deps);
    code = refine(code, request, alternatives);
  }

  const warnings: ProbeWarning[] = portSecurityWarnings(
    request.protocol,
    request.port,
    request.security,
    request.user !== undefined,
  );
  const tls = conversation?.tls ?? null;
  if (tls && !tls.authorized && request.trust?.acceptInvalidCertificate) {
    warnings.push({
      code: "CERTIFICATE_NOT_VERIFIED",
      fr: `Certificat non vérifié (${tls.authorizationError}) : test poursuivi à votre demande, mais un logiciel de messagerie le refusera.`,
      en: `Certificate not verified (${tls.authorizationError}): test continued as asked, but mail clients will refuse it.`,
    });
  }
  const run = conversation?.run;
  if (request.security === "none" && run?.capabilities?.starttls) {
    warnings.push({
      code: "STARTTLS_AVAILABLE_UNUSED",
      fr: "Le serveur propose STARTTLS mais la connexion reste en clair : choisissez STARTTLS pour chiffrer.",
      en: "The server offers STARTTLS but the connection stays in clear text: choose STARTTLS to encrypt it.",
    });
  }
  // Redaction by value of the whole result (replies quoted in failure, steps, explanations…), not only the
  // transcript: a server may echo the AUTH data anywhere, and this result is returned, stored and printed.
  const result: ProbeResult = {
    protocol: request.protocol,
    host,
    port: request.port,
    security: request.security,
    ok: failure === null,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - started),
    dns,
    tls,
    capabilities: run?.capabilities ?? null,
    authenticated: run?.authenticated ?? false,
    mailbox: run?.mailbox ?? null,
    steps,
    transcript: transcript.toJSON(),
    failure:
      failure && code
        ? {
            ...explainCode(code, ctx, failure.reply === undefined ? null : redactReply(failure.reply)),
            step: failure.step,
            reply: failure.reply === undefined ? null : redactReply(failure.reply),
          }
        : null,
    warnings,
    alternatives,
    suggestion: pickSuggestion(alternatives),
  };
  return redactDeep(result, redact);
}
