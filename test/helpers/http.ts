import type { LightMyRequestResponse } from "fastify";
import { createAdmin, createApiKey } from "../../src/auth/admin.service.js";
import type { ApiKeyScope } from "../../src/auth/api-key-scopes.js";
import type { AppContext } from "../../src/app/context.js";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";

export const ADMIN_EMAIL = "admin@exemple.fr";
export const ADMIN_PASSWORD = "Facteur!Admin-2026";

/** An app with one admin, signed in: `request` sends the session cookie and CSRF token. */
export interface SignedInApp {
  app: FacteurApp;
  /** An API key with the `admin` scope (it may call every route a session may, but the session-only ones). */
  apiKey: string;
  /** A new API key holding exactly these scopes. */
  keyWithScopes(...scopes: ApiKeyScope[]): Promise<string>;
  request(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export async function signedInApp(ctx: AppContext): Promise<SignedInApp> {
  const app = await buildApp(ctx);
  await createAdmin(ctx, ADMIN_EMAIL, ADMIN_PASSWORD);
  const login = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const cookie = login.cookies.find((c) => c.name === "facteur_session");
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  const { key } = await createApiKey(ctx, "tests", ["admin"]);
  return {
    app,
    apiKey: key,
    keyWithScopes: async (...scopes) => (await createApiKey(ctx, `tests ${scopes.join("+")}`, scopes)).key,
    request: (method, url, body, headers = {}) =>
      app.inject({
        method: method as "GET",
        url,
        headers: { cookie: `facteur_session=${cookie?.value}`, "x-csrf-token": csrf, ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
  };
}

/** A valid create-server body; override any field. */
export function serverBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: "Serveur principal",
    host: "smtp.exemple.fr",
    port: 587,
    authentication: "password",
    security: "starttls",
    mail: "contact@exemple.fr",
    senderName: "Exemple SARL",
    username: "contact@exemple.fr",
    password: "Tr0ub4dor&3-Secret",
    ...overrides,
  };
}

/** Calls a route with an API key (`Authorization: Bearer …`), no cookie. */
export function withApiKey(app: FacteurApp, key: string) {
  return (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    app.inject({
      method: method as "GET",
      url,
      headers: { authorization: `Bearer ${key}`, ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
}
