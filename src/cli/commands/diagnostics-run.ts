import { readFileSync } from "node:fs";
import { loadTargets } from "../../config/targets.js";
import { parseHostPort } from "../../diagnostics/host-port.js";
import { runProbe, type ProbeRequest } from "../../diagnostics/probe.js";
import { formatReport } from "../../diagnostics/report.js";
import type { ProbeResult } from "../../diagnostics/result.js";
import { FacteurError, type Lang } from "../../domain/errors.js";
import type { MailProtocol, SecurityMode } from "../../domain/ports.js";
import { TargetPolicy } from "../../net/target-policy.js";
import { ID_MAX } from "../constants.js";
import { EXIT, cliLang, readSecret, withContext } from "../runtime.js";

export interface TestOptions {
  security?: SecurityMode;
  user?: string;
  passwordStdin?: boolean;
  from?: string;
  to?: string;
  json?: boolean;
  lang?: Lang;
  insecure?: boolean;
  caFile?: string;
  alternatives: boolean;
  timeout?: number;
}

/** Prints a result (report or JSON) and sets the exit code: 0 passed, 1 failed. */
function printResult(result: ProbeResult, options: { json?: boolean; lang?: Lang }): void {
  console.log(
    options.json ? JSON.stringify(result, null, 2) : formatReport(result, options.lang ?? cliLang()),
  );
  process.exitCode = result.ok ? EXIT.OK : EXIT.FAILURE;
}

function timeoutsFrom(options: TestOptions) {
  if (options.timeout === undefined) return undefined;
  const ms = Math.round(options.timeout * 1000);
  return { connectMs: ms, greetingMs: ms, commandMs: ms };
}

/**
 * `facteur test smtp|imap|pop3 <target>`: settings that are not stored, so no database. This is
 * testSettings (src/diagnostics/diagnostics.service.ts) without that module's imports (the registry, kysely)
 * nor the whole configuration: the same probe under the same target policy, as a "diagnostics" connection.
 */
export async function testTarget(
  protocol: MailProtocol,
  target: string,
  options: TestOptions,
): Promise<void> {
  const { host, port, security } = parseHostPort(target, protocol, options.security);
  // Passwords never on argv (ps, shell history): stdin, or a prompt without echo.
  const password =
    options.user !== undefined || options.passwordStdin
      ? await readSecret("Mot de passe / password: ")
      : undefined;
  const request: ProbeRequest = {
    protocol,
    host,
    port,
    security,
    user: options.user,
    password: options.user !== undefined ? password : undefined,
    from: options.from,
    to: options.to,
    trust: {
      ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}),
      ...(options.insecure ? { acceptInvalidCertificate: true } : {}),
    },
    tryAlternatives: options.alternatives,
    timeouts: timeoutsFrom(options),
  };
  // The target settings alone (src/config/targets.ts): the rest of the configuration, and zod that checks
  // it, are not needed here; the policy is what targetPolicy() would build for a config without a logger.
  const result = await runProbe(request, {
    policy: new TargetPolicy(loadTargets()),
    kind: "diagnostics",
  });
  printResult(result, options);
}

/** `facteur test server <id>`: a stored server, its result kept. */
export async function testServer(idText: string, options: TestOptions): Promise<void> {
  const id = Number(idText);
  if (!Number.isInteger(id) || id < 1 || id > ID_MAX)
    throw new FacteurError("VALIDATION_FAILED", { meta: { id: idText } });
  const { testStoredServer } = await import("../../diagnostics/diagnostics.service.js");
  const result = await withContext((ctx) =>
    testStoredServer(ctx, id, {
      to: options.to,
      tryAlternatives: options.alternatives,
      timeouts: timeoutsFrom(options),
    }),
  );
  printResult(result, options);
}
