import { createHash } from "node:crypto";
import type { AppContext } from "../app/context.js";
import { hashToken, randomToken } from "../auth/tokens.js";
import { FacteurError, type Lang } from "../domain/errors.js";
import { TARGET_REFUSAL_CODES, type TargetRefusalCode } from "../net/target-policy.js";
import type { OutboxMessage } from "../sending/compose.js";
import { createOneOffTransport, loadServerProfile, sendThrough } from "../sending/transport-pool.js";
import {
  insertConfirmationToken,
  markServerConfirmed,
  selectConfirmedSettings,
  selectTokenTimesSince,
  selectTokenWithServer,
  setConfirmationSentAt,
  spendConfirmationToken,
} from "./confirmation.repository.js";
import { confirmationMail, SPAM_NOTICE, type LinkState } from "./confirmation-text.js";

export const RESEND_MIN_INTERVAL_MS = 60_000; // one mail a minute per server: enough to fix a typo and retry
export const RESENDS_PER_HOUR = 5; // a confirmation loop must not turn Facteur into a mail bomb
export const CONFIRM_PATH = "/confirm";

export interface ConfirmationSent {
  serverId: number;
  sentTo: string;
  sentAt: string;
  expiresAt: string;
  /** The seed's "look in your spam folder" warning, FR and EN. */
  notice: { fr: string; en: string };
}

/** The settings a confirmation proves: editing any of them voids links sent before. */
function settingsFingerprint(row: {
  host: string;
  port: number;
  security: string;
  username: string;
  password_enc: string | null;
  mail: string;
}): string {
  return createHash("sha256")
    .update([row.host, row.port, row.security, row.username, row.password_enc ?? "", row.mail].join("\u0000"))
    .digest("hex");
}

async function loadServerRow(ctx: AppContext, serverId: number) {
  const row = await selectConfirmedSettings(ctx.db, serverId);
  if (!row) throw new FacteurError("SERVER_NOT_FOUND", { meta: { id: serverId } });
  return row;
}

async function assertResendAllowed(ctx: AppContext, serverId: number, now: Date): Promise<void> {
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const recent = await selectTokenTimesSince(ctx.db, serverId, hourAgo);
  const last = recent[0] ? Date.parse(recent[0]) : null;
  const wait =
    last !== null && now.getTime() - last < RESEND_MIN_INTERVAL_MS
      ? RESEND_MIN_INTERVAL_MS - (now.getTime() - last)
      : recent.length >= RESENDS_PER_HOUR
        ? Date.parse(recent[recent.length - 1]!) + 3_600_000 - now.getTime()
        : 0;
  if (wait > 0)
    throw new FacteurError("CONFIRMATION_RATE_LIMITED", {
      meta: { serverId, retryAfterSeconds: Math.ceil(wait / 1_000) },
    });
}

/**
 * Sends the confirmation mail *through the server being confirmed* to its own "Mail" address: a mail that
 * arrives proves host, port, security and credentials together. Only the token's hash is stored.
 */
export async function sendConfirmation(
  ctx: AppContext,
  serverId: number,
  lang: Lang,
): Promise<ConfirmationSent> {
  const row = await loadServerRow(ctx, serverId);
  const now = ctx.now();
  await assertResendAllowed(ctx, serverId, now);
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + ctx.config.confirmationTtlHours * 3_600_000);
  // Recorded before sending: a failed send still counts against the rate limit.
  await insertConfirmationToken(ctx.db, {
    token_hash: hashToken(token),
    server_id: serverId,
    settings_fingerprint: settingsFingerprint(row),
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
    used_at: null,
    used_ip: null,
  });

  const link = `${ctx.config.publicUrl.replace(/\/+$/, "")}${CONFIRM_PATH}/${token}`;
  const mail = confirmationMail({ title: row.title, host: row.host, port: row.port, link, expiresAt }, lang);
  const profile = await loadServerProfile(ctx, serverId);
  const message: OutboxMessage = {
    id: 0,
    createdAt: now.toISOString(),
    from: null,
    fromName: null,
    replyTo: null,
    to: [{ address: profile.mail }],
    cc: [],
    bcc: [],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    attachments: [],
  };
  const transport = createOneOffTransport(ctx, profile);
  try {
    const result = await sendThrough(transport, message, profile);
    // The target policy refused the connection (nothing was sent): its own coded error names the setting.
    if (!result.ok && TARGET_REFUSAL_CODES.has(result.errorCode ?? ""))
      throw new FacteurError(result.errorCode as TargetRefusalCode, {
        meta: { serverId, host: profile.host, port: profile.port },
      });
    if (!result.ok) {
      ctx.logger.warn(
        { serverId, stage: result.stage, code: result.responseCode },
        "confirmation mail refused",
      );
      throw new FacteurError("CONFIRMATION_SEND_FAILED", {
        meta: { serverId, stage: result.stage, responseCode: result.responseCode, response: result.response },
      });
    }
  } finally {
    transport.close();
  }
  await setConfirmationSentAt(ctx.db, serverId, now.toISOString());
  ctx.logger.info({ serverId }, "confirmation mail sent");
  return {
    serverId,
    sentTo: profile.mail,
    sentAt: now.toISOString(),
    expiresAt: expiresAt.toISOString(),
    notice: { ...SPAM_NOTICE },
  };
}

export interface LinkInspection {
  state: LinkState;
  server: { id: number; title: string; host: string } | null;
}

/** What a link leads to, without changing anything (GET: mail scanners prefetch links). */
export async function inspectConfirmationLink(ctx: AppContext, token: string): Promise<LinkInspection> {
  const found = await selectTokenWithServer(ctx.db, hashToken(token));
  if (!found) return { state: "unknown", server: null };
  const server = { id: found.id, title: found.title, host: found.host };
  if (found.used_at) return { state: "used", server };
  if (Date.parse(found.expires_at) <= ctx.now().getTime()) return { state: "expired", server };
  if (settingsFingerprint(found) !== found.settings_fingerprint) return { state: "stale", server };
  return { state: "valid", server };
}

/**
 * Uses a link (POST from the page): marks the server confirmed with the date and the client's IP. The token
 * is spent by a conditional update, so two clicks racing confirm once and the second sees "used".
 */
export async function confirmByLink(
  ctx: AppContext,
  token: string,
  clientIp: string,
): Promise<LinkInspection> {
  const inspection = await inspectConfirmationLink(ctx, token);
  if (inspection.state !== "valid" || !inspection.server) return inspection;
  const server = inspection.server;
  const now = ctx.now().toISOString();
  const spent = await ctx.db.transaction().execute(async (trx) => {
    if (!(await spendConfirmationToken(trx, hashToken(token), now, clientIp))) return false;
    await markServerConfirmed(trx, server.id, now, clientIp);
    return true;
  });
  if (!spent) return { state: "used", server };
  ctx.logger.info({ serverId: server.id }, "smtp server confirmed by link");
  return { state: "confirmed", server };
}
