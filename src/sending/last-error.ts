import { ERRORS, type ErrorCode } from "../domain/errors.js";

/**
 * `outbox_messages.last_error` holds codes, never Facteur's own prose:
 *
 *     [EXPIRED · ]<CODE>[ · <stage> · <transport code> · <server reply>]
 *
 * `<CODE>` is a catalog code (src/domain/codes/*.ts: MESSAGE_REFUSED, MESSAGE_TEMPORARY_FAILURE,
 * MESSAGE_NO_SERVER, SERVER_PASSWORD_REENTRY_REQUIRED, INTERNAL, or Facteur's own refusal of the connection:
 * TARGET_BLOCKED, TARGET_RATE_LIMITED, NOT_MAIL_SERVER…) whose FR/EN text the API shows beside it;
 * `<stage>` the SMTP command (CONN, EHLO, AUTH PLAIN, MAIL FROM, RCPT TO, DATA), `<transport code>`
 * nodemailer's (ETIMEDOUT, EAUTH, EENVELOPE…), `<server reply>` the server's own words, secrets removed.
 * `EXPIRED · ` in front: the message outlived FACTEUR_SEND_MAX_AGE_HOURS (catalog MESSAGE_EXPIRED) and what
 * follows is its last reason. Rows written before codes (`NO_ROUTE · no usable server…`, `RCPT TO · …`) are
 * shown as they are: their first word is no catalog code.
 */
export interface DeliveryReason {
  code: ErrorCode;
  stage?: string | null;
  transportCode?: string | null;
  reply?: string | null;
}

export const EXPIRED_MARK = "EXPIRED";
const SEPARATOR = " · ";
const LAST_ERROR_MAX_CHARS = 1_000;

/** The stored form of a reason. */
export function formatReason(reason: DeliveryReason, expired = false): string {
  const parts = [
    expired ? EXPIRED_MARK : null,
    reason.code,
    reason.stage,
    reason.transportCode,
    reason.reply,
  ];
  return parts.filter(Boolean).join(SEPARATOR).slice(0, LAST_ERROR_MAX_CHARS);
}

/** FR and EN texts of a stored reason. */
export interface ReasonText {
  fr: string;
  en: string;
}

/** True for a code of Facteur's catalog (its text is the catalog's), false for nodemailer's and others. */
export function isErrorCode(word: string | null | undefined): word is ErrorCode {
  return typeof word === "string" && Object.hasOwn(ERRORS, word);
}

/**
 * The catalog code and FR/EN text of a stored `last_error`: MESSAGE_EXPIRED with the last reason's text after
 * it for an expired message; nulls for text stored before codes (shown as it is).
 */
export function explainLastError(lastError: string | null): {
  code: ErrorCode | null;
  text: ReasonText | null;
} {
  if (!lastError) return { code: null, text: null };
  const words = lastError.split(SEPARATOR);
  const expired = words[0] === EXPIRED_MARK;
  const cause = expired ? words[1] : words[0];
  const causeText = isErrorCode(cause) ? ERRORS[cause] : null;
  if (!expired)
    return causeText ? { code: cause as ErrorCode, text: textOf(causeText) } : { code: null, text: null };
  const base = ERRORS.MESSAGE_EXPIRED;
  return {
    code: "MESSAGE_EXPIRED",
    text: causeText ? { fr: `${base.fr} ${causeText.fr}`, en: `${base.en} ${causeText.en}` } : textOf(base),
  };
}

/** The text of a code stored alone (an attempt's `error_code`), or null for transport codes. */
export function explainCode(code: string | null): ReasonText | null {
  return code !== null && isErrorCode(code) ? textOf(ERRORS[code]) : null;
}

function textOf(definition: { fr: string; en: string }): ReasonText {
  return { fr: definition.fr, en: definition.en };
}
