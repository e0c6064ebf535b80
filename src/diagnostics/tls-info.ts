import type { PeerCertificate, TLSSocket } from "node:tls";
import type { TlsCertificate, TlsDetails } from "./result.js";

/** Flattens a certificate name ({ CN, O, C }) into "CN=…, O=…" for display. */
function formatName(name: PeerCertificate["subject"] | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : String(value)}`)
    .join(", ");
}

function describeCertificate(cert: PeerCertificate): TlsCertificate | null {
  if (!cert || Object.keys(cert).length === 0) return null;
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  return {
    subject,
    subjectAltNames: (cert.subjectaltname ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    issuer,
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
    selfSigned: subject === issuer,
  };
}

/** What a TLS socket negotiated and whether the certificate verifies for the host name we asked for. */
export function describeTls(socket: TLSSocket, mode: TlsDetails["mode"]): TlsDetails {
  const cipher = socket.getCipher();
  const error = socket.authorizationError as unknown as Error | string | null | undefined;
  return {
    mode,
    version: socket.getProtocol() ?? null,
    cipher: cipher ? cipher.name : null,
    certificate: describeCertificate(socket.getPeerCertificate(false)),
    authorized: socket.authorized,
    authorizationError: socket.authorized
      ? null
      : error instanceof Error
        ? ((error as NodeJS.ErrnoException).code ?? error.message)
        : (error ?? null),
  };
}
