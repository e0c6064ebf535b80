import { useMutation } from "@tanstack/react-query";
import type { FastifyRequest } from "fastify";
import type { AdminView, Session } from "../../../src/auth/admin.service.js";
import type {} from "../../../src/http/types.js"; // FastifyRequest["principal"] is declared there
import type { Lang } from "../i18n.js";
import { api } from "./client.js";

/** The answer to signing in or to the first run: the admin and the session's CSRF token. */
export type SignedIn = { admin: AdminView } & Pick<Session, "csrfToken" | "expiresAt">;
/** Who is calling: an admin session or an API key. */
export type Principal = NonNullable<FastifyRequest["principal"]>;
/** `GET /api/v1/auth/session`; an API key gets its principal only. */
export interface SessionAnswer {
  principal?: Principal;
  csrfToken?: string;
  expiresAt?: string;
  lang?: Lang;
}

// These calls answer 401 as a result (wrong password, no session): never the "session expired" redirect.
const QUIET = { allowUnauthenticated: true } as const;

export function fetchFirstRunStatus(): Promise<{ needsFirstRun: boolean }> {
  return api<{ needsFirstRun: boolean }>("GET", "/first-run/status", QUIET);
}

export function fetchSession(): Promise<SessionAnswer> {
  return api<SessionAnswer>("GET", "/auth/session", QUIET);
}

export function login(email: string, password: string): Promise<SignedIn> {
  return api<SignedIn>("POST", "/auth/login", { body: { email, password }, ...QUIET });
}

/** Creates the first admin with the one-time token `facteur serve` printed, and signs them in. */
export function completeFirstRun(token: string, email: string, password: string): Promise<SignedIn> {
  return api<SignedIn>("POST", "/first-run", { body: { token, email, password }, ...QUIET });
}

export function logout(): Promise<void> {
  return api<void>("POST", "/auth/logout", QUIET);
}

/** The server remembers the language in a cookie too, so its answers (errors, exports) match the UI. */
export function saveLang(lang: Lang): Promise<{ lang: Lang }> {
  return api<{ lang: Lang }>("PUT", "/auth/lang", { body: { lang }, ...QUIET });
}

export function useLogin() {
  return useMutation({
    mutationFn: (input: { email: string; password: string }) => login(input.email, input.password),
  });
}

export function useFirstRun() {
  return useMutation({
    mutationFn: (input: { token: string; email: string; password: string }) =>
      completeFirstRun(input.token, input.email, input.password),
  });
}
