import { isIP } from "node:net";

/**
 * FACTEUR_TRUST_PROXY: which reverse proxies may tell Facteur the client's address (X-Forwarded-For).
 * - unset, `off`: none — the client is the TCP peer, X-Forwarded-For is ignored (Facteur faces clients);
 * - a comma list of addresses, CIDRs or `loopback` / `linklocal` / `uniquelocal`: only peers in the list are
 *   trusted, hop by hop (the recommended form: name your proxies);
 * - `on`: `loopback` — a reverse proxy on the same host (the usual set-up; Facteur listens on 127.0.0.1 by
 *   default). It used to trust every hop, which let any client choose its own address;
 * - a number N (1–16): the N proxies nearest Facteur are trusted whatever their address; the client is the
 *   address the N-th proxy saw (entries the client wrote before are ignored). Only safe when nothing but
 *   those proxies can reach Facteur: a client connecting directly could then choose its address (which is
 *   why Fastify itself refuses bare hop counts; Facteur implements them explicitly, for that case only).
 * Anything else stops Facteur at start with an error naming the value.
 */
export type TrustProxy = false | number | string[];

export const TRUST_PROXY_MAX_HOPS = 16;
const KEYWORDS = new Set(["loopback", "linklocal", "uniquelocal"]);

function validCidr(entry: string): boolean {
  const [address = "", prefix, ...rest] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/** Parses FACTEUR_TRUST_PROXY; returns an Error (message in FR and EN) for a value it cannot trust. */
export function parseTrustProxy(value: string | undefined): TrustProxy | Error {
  const text = (value ?? "").trim().toLowerCase();
  if (["", "off", "false", "no", "0"].includes(text)) return false;
  if (["on", "true", "yes"].includes(text)) return ["loopback"];
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops >= 1 && hops <= TRUST_PROXY_MAX_HOPS) return hops;
    return new Error(
      `FACTEUR_TRUST_PROXY=${text} : nombre de proxys entre 1 et ${TRUST_PROXY_MAX_HOPS} / number of proxy hops must be 1–${TRUST_PROXY_MAX_HOPS}`,
    );
  }
  const entries = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !KEYWORDS.has(e) && !validCidr(e));
  if (entries.length === 0 || bad.length > 0)
    return new Error(
      `FACTEUR_TRUST_PROXY : valeur non reconnue / not understood: ${JSON.stringify(bad.join(",") || text)} — use off, a hop count (1–${TRUST_PROXY_MAX_HOPS}) or a comma list of proxy addresses/CIDRs (10.0.0.5, 10.0.0.0/8, loopback)`,
    );
  return entries;
}

/** The `trustProxy` option for Fastify: hop counts become an explicit "the first N peers" function. */
export function fastifyTrustProxy(
  trust: TrustProxy,
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  return trust;
}
