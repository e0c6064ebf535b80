import type { AppContext } from "../app/context.js";
import { targetPolicy, type ConnectionKind } from "../net/target-policy.js";
import type { Flag } from "../store/schema.js";
import { getServerWithSecret } from "../registry/server.service.js";
import { selectLastResultJson, setServerLastTest, upsertLastResult } from "./diagnostics.repository.js";
import { runProbe, type ProbeRequest } from "./probe.js";
import type { ProbeResult } from "./result.js";
import type { ProbeTimeouts } from "./timeouts.js";

/**
 * Tests settings that are not stored (a form being filled, the CLI). Every connection goes through this
 * configuration's target policy (src/net/target-policy.ts) as `kind`.
 */
export function testSettings(
  ctx: Pick<AppContext, "config">,
  request: ProbeRequest,
  kind: ConnectionKind = "diagnostics",
): Promise<ProbeResult> {
  return runProbe(request, { policy: targetPolicy(ctx), kind });
}

export interface StoredServerTestOptions {
  /** RCPT TO address to try after MAIL FROM (nothing is sent either way). */
  to?: string | undefined;
  tryAlternatives?: boolean | undefined;
  timeouts?: Partial<ProbeTimeouts> | undefined;
  /** `bulk` for the items of a bulk run (they wait longer for a connection slot). */
  kind?: "server-test" | "bulk";
}

/**
 * Tests a stored SMTP server with its own credentials: EHLO, STARTTLS, AUTH, then MAIL FROM its sender
 * address (catches "sender not owned by user" that a login-only check misses), RSET, QUIT.
 * Records the outcome on the server (last_test_*) and keeps the full, redacted result.
 */
export async function testStoredServer(
  ctx: AppContext,
  id: number,
  options: StoredServerTestOptions = {},
): Promise<ProbeResult> {
  const { server, password } = await getServerWithSecret(ctx, id);
  // PLAIN/LOGIN carry "password" and "encrypted_password" accounts alike over TLS; OAuth2 tokens are not stored here.
  const withPassword =
    server.authentication !== "none" && server.authentication !== "oauth2" && password !== null;
  const result = await testSettings(
    ctx,
    {
      protocol: "smtp",
      host: server.host,
      port: server.port,
      security: server.security,
      user: withPassword ? server.username : undefined,
      password: withPassword ? password : undefined,
      preferChallengeAuth: server.authentication === "encrypted_password",
      from: server.mail,
      to: options.to,
      tryAlternatives: options.tryAlternatives,
      timeouts: options.timeouts,
    },
    options.kind ?? "server-test",
  );
  await recordServerResult(ctx, id, result);
  return result;
}

/** Stores a server's latest result: summary on smtp_servers (shown in the table), full result aside. */
export async function recordServerResult(ctx: AppContext, id: number, result: ProbeResult): Promise<void> {
  const testedAt = ctx.now().toISOString();
  const ok: Flag = result.ok ? 1 : 0;
  const code = result.failure?.code ?? null;
  await ctx.db.transaction().execute(async (trx) => {
    // Not an edit of the server: neither version nor updated_at change, so no one gets a 409 for it.
    const summary = { last_test_ok: ok, last_test_code: code, last_test_at: testedAt };
    if (!(await setServerLastTest(trx, id, summary))) return; // deleted meanwhile
    await upsertLastResult(trx, id, {
      ok,
      code,
      tested_at: testedAt,
      duration_ms: result.durationMs,
      result_json: JSON.stringify(result),
    });
  });
}

/** The last full result of a server's test, or null when it was never tested. */
export async function lastServerResult(ctx: AppContext, id: number): Promise<ProbeResult | null> {
  const resultJson = await selectLastResultJson(ctx.db, id);
  return resultJson === undefined ? null : (JSON.parse(resultJson) as ProbeResult);
}
