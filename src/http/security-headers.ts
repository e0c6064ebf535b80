import helmet from "@fastify/helmet";
import type { Config } from "../config/config.js";
import type { FacteurApp } from "./types.js";

/**
 * The Content-Security-Policy of the admin UI (a Vite build: scripts and styles are files of the build, no
 * inline script). Mantine writes CSS variables in a <style> element and style attributes, hence
 * 'unsafe-inline' for styles only. Images: the build, data: URLs (server logos, QR codes) and, for the
 * signature preview (a sandboxed srcdoc frame that inherits this policy), images the signature links over
 * https. Pages that need less set a stricter policy themselves (guides, confirmation links).
 */
export function uiContentSecurityPolicy(https: boolean): Record<string, string[]> {
  return {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", "https:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    ...(https ? { "upgrade-insecure-requests": [] } : {}),
  };
}

/**
 * Security headers on every answer (@fastify/helmet): CSP, no framing, no MIME sniffing, same-origin
 * referrers and resource/opener policies; HSTS only when FACTEUR_PUBLIC_URL is https (a browser ignores it
 * over http, and an http deployment must stay reachable). A route's own header wins over these.
 */
export async function registerSecurityHeaders(app: FacteurApp, config: Config): Promise<void> {
  const https = /^https:/i.test(config.publicUrl);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: uiContentSecurityPolicy(https) },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: "same-origin" },
    crossOriginResourcePolicy: { policy: "same-origin" },
    referrerPolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
    xPermittedCrossDomainPolicies: { permittedPolicies: "none" },
  });
  // A PDF opened in the browser (client guides) is shown by its built-in viewer, which a page CSP with
  // object-src 'none' blocks in Chromium; the policy protects HTML, a PDF has no use for it.
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (String(reply.getHeader("content-type") ?? "").startsWith("application/pdf"))
      reply.raw.removeHeader("content-security-policy");
    done(null, payload);
  });
}
