import type { AppContext } from "../../src/app/context.js";
import { createAdmin, createApiKey } from "../../src/auth/admin.service.js";
import { buildApp } from "../../src/http/app.js";
import type { FacteurApp } from "../../src/http/types.js";

const ADMIN_EMAIL = "export-admin@exemple.fr";
const ADMIN_PASSWORD = "Facteur!Export-2026";

/** The real app with one admin signed in (session cookie) and one API key. */
export interface ExportClient {
  app: FacteurApp;
  sessionCookie: string;
  apiKey: string;
}

export async function signIn(ctx: AppContext): Promise<ExportClient> {
  const app = await buildApp(ctx);
  await createAdmin(ctx, ADMIN_EMAIL, ADMIN_PASSWORD);
  const login = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const session = login.cookies.find((c) => c.name === "facteur_session");
  if (!session) throw new Error("no session cookie");
  const { key } = await createApiKey(ctx, "export-tests", ["admin"]);
  return { app, sessionCookie: `facteur_session=${session.value}`, apiKey: key };
}
