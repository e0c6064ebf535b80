import { same, type ExplanationTable } from "./explain-text-kit.js";

/** Refusals of the outbound target policy (src/net/target-policy.ts) and greetings that are not mail. */
export type PolicyCode =
  | "TARGET_BLOCKED"
  | "TARGET_PORT_BLOCKED"
  | "TARGET_RATE_LIMITED"
  | "TARGET_PORT_SCAN_LIMITED"
  | "NOT_MAIL_SERVER";

export const POLICY_EXPLANATIONS: ExplanationTable<PolicyCode> = {
  TARGET_BLOCKED: {
    diagnosis: (p) =>
      same(
        `${p.host} désigne une adresse que Facteur ne contacte pas (boucle locale, lien local, métadonnées du cloud, multidiffusion, réseau privé pour la découverte, ou adresse refusée par l'administrateur) : aucune connexion n'a été ouverte.`,
        `${p.host} points to an address Facteur does not contact (loopback, link-local, cloud metadata, multicast, private network for discovery, or refused by the administrator): no connection was opened.`,
      ),
    fix: () =>
      same(
        "Vérifiez le nom du serveur. Si cette adresse est vraiment un serveur de messagerie, l'administrateur peut l'ouvrir avec FACTEUR_TARGETS_ALLOW (ex. 127.0.0.1/32 ou 10.0.0.0/8:25) ; FACTEUR_TARGETS_DENY l'emporte toujours.",
        "Check the server name. If this address really is a mail server, the administrator can open it with FACTEUR_TARGETS_ALLOW (e.g. 127.0.0.1/32 or 10.0.0.0/8:25); FACTEUR_TARGETS_DENY always wins.",
      ),
  },
  TARGET_PORT_BLOCKED: {
    diagnosis: (p) =>
      same(
        `Le port ${p.port} n'est pas un port de messagerie autorisé : aucune connexion n'a été ouverte vers ${p.host}.`,
        `Port ${p.port} is not an allowed mail port: no connection was opened to ${p.host}.`,
      ),
    fix: () =>
      same(
        "Utilisez le port donné par votre hébergeur (587, 465, 25, 2525, 993, 143, 995, 110). Pour un autre port, l'administrateur peut l'ajouter à FACTEUR_TARGET_PORTS ou à une entrée de FACTEUR_TARGETS_ALLOW (ex. 192.0.2.10:1025).",
        "Use the port your provider gives (587, 465, 25, 2525, 993, 143, 995, 110). For another port, the administrator can add it to FACTEUR_TARGET_PORTS or to a FACTEUR_TARGETS_ALLOW entry (e.g. 192.0.2.10:1025).",
      ),
  },
  TARGET_RATE_LIMITED: {
    diagnosis: (p) =>
      same(
        `Trop de connexions récentes vers ${p.host}:${p.port} ou vers l'ensemble des serveurs : Facteur a différé puis refusé celle-ci.`,
        `Too many recent connections to ${p.host}:${p.port} or to all servers together: Facteur delayed, then refused this one.`,
      ),
    fix: () =>
      same(
        "Réessayez dans une minute. L'administrateur règle ces limites avec FACTEUR_TARGET_RATE (toutes cibles) et FACTEUR_TARGET_RATE_PER_TARGET (par adresse et port).",
        "Try again in a minute. The administrator sets these limits with FACTEUR_TARGET_RATE (all targets) and FACTEUR_TARGET_RATE_PER_TARGET (per address and port).",
      ),
  },
  TARGET_PORT_SCAN_LIMITED: {
    diagnosis: (p) =>
      same(
        `Trop de ports différents de ${p.host} ont été essayés en 10 minutes : cela ressemble à un balayage de ports, la connexion au port ${p.port} est refusée.`,
        `Too many different ports of ${p.host} were tried within 10 minutes: this looks like a port scan, the connection to port ${p.port} is refused.`,
      ),
    fix: () =>
      same(
        "Testez les ports donnés par votre hébergeur plutôt que tous les ports possibles. L'administrateur règle cette limite avec FACTEUR_TARGET_PORTS_PER_HOST.",
        "Test the ports your provider gives rather than every possible port. The administrator sets this limit with FACTEUR_TARGET_PORTS_PER_HOST.",
      ),
  },
  NOT_MAIL_SERVER: {
    diagnosis: (p) =>
      same(
        `Le service sur ${p.host}:${p.port} ne s'est pas présenté comme un serveur de messagerie (pas de « 220 », « * OK » ni « +OK ») ; son message d'accueil n'est pas affiché.`,
        `The service on ${p.host}:${p.port} did not introduce itself as a mail server (no "220", "* OK" or "+OK"); its greeting is not shown.`,
      ),
    fix: () =>
      same(
        "Vérifiez le nom du serveur et le port : ce port héberge un autre service.",
        "Check the server name and port: this port hosts another service.",
      ),
  },
};
