import { FacteurError } from "../domain/errors.js";
import { isIpv6, normalizeHost } from "../domain/host.js";
import { DEFAULT_PORTS, type MailProtocol, type SecurityMode } from "../domain/ports.js";

const IMPLICIT_TLS_PORTS = new Set(Object.values(DEFAULT_PORTS).map((p) => p.tls));

/**
 * Reads `host`, `host:port`, `[v6]:port` or a bare IPv6 as the CLI takes it, and fills the blanks the
 * way a mail client would: no port → the protocol's usual port for the security mode; no mode → SSL/TLS
 * on 465/993/995, STARTTLS elsewhere.
 */
export function parseHostPort(
  input: string,
  protocol: MailProtocol,
  security?: SecurityMode,
): { host: string; port: number; security: SecurityMode } {
  let hostPart = input.trim();
  let portPart: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPart);
  if (bracketed) {
    hostPart = bracketed[1]!;
    portPart = bracketed[2];
  } else if (!isIpv6(hostPart) && hostPart.includes(":")) {
    const index = hostPart.lastIndexOf(":");
    portPart = hostPart.slice(index + 1);
    hostPart = hostPart.slice(0, index);
  }
  const host = normalizeHost(hostPart);
  const port = portPart === undefined ? undefined : Number(portPart);
  if (host === null || (port !== undefined && (!/^\d{1,5}$/.test(portPart!) || port < 1 || port > 65535))) {
    throw new FacteurError("TARGET_INVALID", { meta: { input } });
  }
  const mode: SecurityMode =
    security ??
    (port === undefined
      ? protocol === "smtp"
        ? "starttls"
        : "tls"
      : IMPLICIT_TLS_PORTS.has(port)
        ? "tls"
        : "starttls");
  return { host, port: port ?? DEFAULT_PORTS[protocol][mode], security: mode };
}
