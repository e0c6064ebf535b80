import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { type StoreKind, type TestContext } from "../helpers/context.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD, serverBody, signedInApp, type SignedInApp } from "../helpers/http.js";
import { createIsolatedTestContext } from "../sending/helpers/store.js";
import { domainBody, type Ids } from "./injection-bodies.js";

/** What the injection properties attack through: an admin session and the rows base bodies refer to. */
export interface InjectionRig {
  t: TestContext;
  s: SignedInApp;
  ids: Ids;
  /** An admin-session request from a new client address each time (per-address rate limits stay out of it). */
  send(method: string, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

/** A signed-in app on a fresh store of `kind`, with one department, one server and one mail domain. */
export async function openInjectionRig(kind: StoreKind, domainName: string): Promise<InjectionRig> {
  const t = await createIsolatedTestContext(kind);
  const s = await signedInApp(t.ctx);
  const login = await s.app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    remoteAddress: "10.255.0.1",
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
  });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = `facteur_session=${login.cookies.find((c) => c.name === "facteur_session")!.value}`;
  const csrf = (login.json() as { csrfToken: string }).csrfToken;
  let clientNumber = 0;
  const send = (method: string, url: string, payload?: unknown) => {
    clientNumber++;
    return s.app.inject({
      method: method as "POST",
      url,
      remoteAddress: `10.${(clientNumber >> 16) & 255}.${(clientNumber >> 8) & 255}.${clientNumber & 255}`,
      headers: { cookie, "x-csrf-token": csrf },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  };
  const department = await send("POST", "/api/v1/departments", { name: "Ventes" });
  expect(department.statusCode, department.body).toBe(201);
  const departmentId = (department.json() as { id: number }).id;
  const server = await send("POST", "/api/v1/servers", serverBody());
  expect(server.statusCode, server.body).toBe(201);
  const serverId = (server.json() as { server: { id: number } }).server.id;
  const domain = await send("POST", "/api/v1/clients/domains", domainBody(domainName, serverId));
  expect(domain.statusCode, domain.body).toBe(201);
  const ids = { serverId, departmentId, domainId: (domain.json() as { id: number }).id };
  return { t, s, ids, send };
}
