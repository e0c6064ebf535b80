import type { Logger as NodemailerLogger } from "nodemailer/lib/shared/index.js";
import type { Logger } from "pino";

/**
 * Pool events of one server's pooled transport as stable log lines (docs/sending.md "Logs"): nodemailer's own
 * log calls (`{tnx, cid, sid, action}`) are read by an adapter handed to it as its `logger`, and only these
 * become lines, with our fields and never nodemailer's text:
 *
 * | event | when | fields |
 * |---|---|---|
 * | `pool.connect` | TCP (or implicit TLS) session established | `sid`, `tls`, `remoteAddress`, `remotePort` |
 * | `pool.tls` | STARTTLS upgrade done | `sid` |
 * | `pool.auth` / `pool.auth_failed` | AUTH accepted / refused | `sid`, `method` |
 * | `pool.close` / `pool.idle_close` | a pooled connection closed, while sending / while idle | `cid`, `code` |
 *
 * `sid` is nodemailer's SMTP session id, `cid` its pool connection number. Usernames, the server's words (an
 * AUTH reply may echo the password) and nodemailer's messages are never copied: error codes only.
 */

type NodemailerEntry = {
  tnx?: string;
  cid?: number;
  sid?: string;
  action?: string;
  method?: string;
  remoteAddress?: string;
  remotePort?: number;
  err?: { code?: unknown };
};

/** The nodemailer `logger` option of a server's pool, or undefined when info lines are off (no hook cost). */
export function poolLogger(log: Logger): NodemailerLogger | undefined {
  if (!log.isLevelEnabled("info")) return undefined;
  /** Per pool connection: sending a message now, and the code of the error that ends it. */
  const connections = new Map<number, { busy: boolean; code: string | null }>();
  const closed = (cid: number, code: string | null) => {
    const state = connections.get(cid);
    connections.delete(cid);
    const idle = !state?.busy;
    log.info(
      { event: idle ? "pool.idle_close" : "pool.close", cid, code: code ?? state?.code ?? null },
      idle ? "smtp connection closed while idle" : "smtp connection closed",
    );
  };
  const read = (entry: NodemailerEntry = {}, message?: unknown, ...args: unknown[]) => {
    const { tnx, cid, sid, action } = entry;
    if (tnx === "network" && message === "%s established to %s:%s")
      log.info(
        {
          event: "pool.connect",
          sid,
          tls: args[0] === "Secure connection",
          remoteAddress: entry.remoteAddress,
          remotePort: entry.remotePort,
        },
        "smtp connection established",
      );
    else if (tnx === "smtp" && message === "Connection upgraded with STARTTLS")
      log.info({ event: "pool.tls", sid }, "smtp connection upgraded with STARTTLS");
    else if (action === "authenticated" || action === "authfail")
      log.info(
        { event: action === "authenticated" ? "pool.auth" : "pool.auth_failed", sid, method: entry.method },
        action === "authenticated" ? "smtp authenticated" : "smtp authentication refused",
      );
    else if (cid === undefined) return;
    else if (tnx === "send") connections.set(cid, { busy: true, code: null });
    else if (action === "available") connections.set(cid, { busy: false, code: null });
    else if (tnx === "pool" && entry.err) {
      const state = connections.get(cid) ?? { busy: false, code: null };
      state.code = typeof entry.err.code === "string" ? entry.err.code : null;
      connections.set(cid, state);
    } else if (action === "closed") closed(cid, null);
  };
  return {
    level: () => {},
    trace: read,
    debug: read,
    info: read,
    warn: read,
    error: read,
    fatal: read,
  };
}
