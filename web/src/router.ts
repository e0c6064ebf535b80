import { useSyncExternalStore } from "react";

/** The few client-side routes of the admin UI; the server answers index.html for all of them. */
export type Route = "servers" | "departments" | "messages" | "clients" | "apiKeys" | "login" | "firstRun";

const PATHS: Record<Route, string> = {
  servers: "/",
  departments: "/departments",
  messages: "/messages",
  clients: "/clients",
  apiKeys: "/keys",
  login: "/login",
  firstRun: "/first-run",
};

/** Paths that moved: first-run links printed before the rename open /setup. */
const OLD_PATHS: Record<string, Route> = { "/setup": "firstRun" };

export function routeOf(pathname: string): Route {
  if (OLD_PATHS[pathname]) return OLD_PATHS[pathname];
  const entry = (Object.entries(PATHS) as Array<[Route, string]>).find(([, path]) => path === pathname);
  return entry ? entry[0] : "servers";
}

export function pathOf(route: Route): string {
  return PATHS[route];
}

const listeners = new Set<() => void>();
window.addEventListener("popstate", () => listeners.forEach((listener) => listener()));

/** Client-side navigation (history API): no reload, back button works. */
export function navigate(route: Route, options: { replace?: boolean; search?: string } = {}): void {
  const url = PATHS[route] + (options.search ?? "");
  if (options.replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The current location; re-renders on navigation. */
export function useLocation(): { route: Route; search: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + window.location.search);
  const url = new URL(href, window.location.origin);
  return { route: routeOf(url.pathname), search: url.searchParams };
}
