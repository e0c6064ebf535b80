import { NAME, same, starttlsPort, tlsPort, type ExplanationTable } from "./explain-text-kit.js";

/** Reaching the server: DNS, TCP, TLS mode, certificates (policy refusals: explain-text-policy.ts). */
export type ConnectionCode =
  | "DNS_NOT_FOUND"
  | "DNS_TEMPORARY_FAILURE"
  | "CONNECTION_REFUSED"
  | "CONNECT_TIMEOUT"
  | "PORT_25_BLOCKED"
  | "HOST_UNREACHABLE"
  | "TLS_MODE_MISMATCH_USE_STARTTLS"
  | "TLS_MODE_MISMATCH_USE_TLS"
  | "TLS_HANDSHAKE_FAILED"
  | "TLS_PROTOCOL_TOO_OLD"
  | "CERT_SELF_SIGNED"
  | "CERT_EXPIRED"
  | "CERT_NOT_YET_VALID"
  | "CERT_HOSTNAME_MISMATCH"
  | "CERT_UNTRUSTED";

export const CONNECTION_EXPLANATIONS: ExplanationTable<ConnectionCode> = {
  DNS_NOT_FOUND: {
    diagnosis: (p) =>
      same(`Le nom « ${p.host} » n'existe pas dans le DNS.`, `The name "${p.host}" does not exist in DNS.`),
    fix: () =>
      same(
        "Vérifiez l'orthographe (ex. smtp.gmail.com et non smtp.gmial.com) et reprenez le nom exact donné par votre hébergeur.",
        "Check the spelling (e.g. smtp.gmail.com, not smtp.gmial.com) and use the exact name your provider gives.",
      ),
  },
  DNS_TEMPORARY_FAILURE: {
    diagnosis: (p) =>
      same(`Le DNS n'a pas répondu pour « ${p.host} ».`, `DNS did not answer for "${p.host}".`),
    fix: () =>
      same(
        "Réessayez dans un instant ; si cela persiste, vérifiez la configuration DNS de la machine qui héberge Facteur.",
        "Try again in a moment; if it persists, check the DNS settings of the machine running Facteur.",
      ),
  },
  CONNECTION_REFUSED: {
    diagnosis: (p) =>
      same(
        `${p.host} refuse les connexions sur le port ${p.port} : aucun service n'y écoute.`,
        `${p.host} refuses connections on port ${p.port}: no service listens there.`,
      ),
    fix: (p) =>
      same(
        `Vérifiez le port (${NAME[p.protocol]} : ${starttlsPort(p)} avec STARTTLS ou ${tlsPort(p)} avec SSL/TLS) et le nom du serveur. Dans un conteneur, « localhost » désigne le conteneur lui-même.`,
        `Check the port (${NAME[p.protocol]}: ${starttlsPort(p)} with STARTTLS or ${tlsPort(p)} with SSL/TLS) and the server name. Inside a container, "localhost" is the container itself.`,
      ),
  },
  CONNECT_TIMEOUT: {
    diagnosis: (p) =>
      same(
        `Aucune réponse de ${p.host} sur le port ${p.port} : un pare-feu bloque probablement la connexion.`,
        `No answer from ${p.host} on port ${p.port}: a firewall probably blocks the connection.`,
      ),
    fix: (p) =>
      same(
        `Vérifiez le nom et le port, puis le pare-feu sortant. Essayez ${starttlsPort(p)} (STARTTLS) ou ${tlsPort(p)} (SSL/TLS).`,
        `Check the name and port, then the outgoing firewall. Try ${starttlsPort(p)} (STARTTLS) or ${tlsPort(p)} (SSL/TLS).`,
      ),
  },
  PORT_25_BLOCKED: {
    diagnosis: (p) =>
      same(
        `Aucune réponse de ${p.host} sur le port 25 : votre fournisseur d'accès ou votre hébergeur bloque probablement ce port (mesure anti-spam courante).`,
        `No answer from ${p.host} on port 25: your internet or hosting provider probably blocks this port (a common anti-spam measure).`,
      ),
    fix: () =>
      same(
        "Utilisez le port 587 avec STARTTLS, ou 465 avec SSL/TLS, et l'authentification.",
        "Use port 587 with STARTTLS, or 465 with SSL/TLS, with authentication.",
      ),
  },
  HOST_UNREACHABLE: {
    diagnosis: (p) =>
      same(
        `Aucune route réseau vers ${p.host} (souvent une adresse IPv6 sans connectivité IPv6, ou un VPN).`,
        `No network route to ${p.host} (often an IPv6 address without IPv6 connectivity, or a VPN).`,
      ),
    fix: () =>
      same(
        "Vérifiez la connexion réseau de la machine de Facteur, ou utilisez l'adresse IPv4 du serveur.",
        "Check the network of the machine running Facteur, or use the server's IPv4 address.",
      ),
  },
  TLS_MODE_MISMATCH_USE_STARTTLS: {
    diagnosis: (p) =>
      same(
        `Le port ${p.port} attend une connexion en clair suivie de STARTTLS, mais Facteur a parlé SSL/TLS dès le départ (erreur « wrong version number »).`,
        `Port ${p.port} expects a plain connection followed by STARTTLS, but Facteur spoke SSL/TLS from the start ("wrong version number").`,
      ),
    fix: (p) =>
      same(
        `Choisissez STARTTLS sur le port ${p.port}, ou gardez SSL/TLS avec le port ${tlsPort(p)}.`,
        `Choose STARTTLS on port ${p.port}, or keep SSL/TLS with port ${tlsPort(p)}.`,
      ),
  },
  TLS_MODE_MISMATCH_USE_TLS: {
    diagnosis: (p) =>
      same(
        `Le port ${p.port} attend SSL/TLS dès la connexion : le serveur attendait le chiffrement et n'a rien répondu au texte clair.`,
        `Port ${p.port} expects SSL/TLS from the first byte: the server waited for encryption and never answered plain text.`,
      ),
    fix: (p) =>
      same(
        `Choisissez SSL/TLS sur le port ${p.port}, ou STARTTLS avec le port ${starttlsPort(p)}.`,
        `Choose SSL/TLS on port ${p.port}, or STARTTLS with port ${starttlsPort(p)}.`,
      ),
  },
  TLS_HANDSHAKE_FAILED: {
    diagnosis: () => same("La négociation du chiffrement a échoué.", "The encryption handshake failed."),
    fix: (p) =>
      same(
        `Vérifiez le mode de sécurité (STARTTLS sur ${starttlsPort(p)}, SSL/TLS sur ${tlsPort(p)}) ; si le réglage est juste, le certificat ou la configuration TLS du serveur est à corriger.`,
        `Check the security mode (STARTTLS on ${starttlsPort(p)}, SSL/TLS on ${tlsPort(p)}); if it is right, the server's certificate or TLS setup needs fixing.`,
      ),
  },
  TLS_PROTOCOL_TOO_OLD: {
    diagnosis: () =>
      same(
        "Le serveur ne propose que TLS 1.0/1.1 ou un chiffrement faible, refusés aujourd'hui.",
        "The server only offers TLS 1.0/1.1 or weak ciphers, refused nowadays.",
      ),
    fix: () =>
      same(
        "Demandez à l'hébergeur du serveur d'activer TLS 1.2 ou 1.3.",
        "Ask the server's provider to enable TLS 1.2 or 1.3.",
      ),
  },
  CERT_SELF_SIGNED: {
    diagnosis: (p) =>
      same(
        `Le certificat de ${p.host} est auto-signé : rien ne garantit que vous parlez au bon serveur.`,
        `The certificate of ${p.host} is self-signed: nothing proves you are talking to the right server.`,
      ),
    fix: () =>
      same(
        "Installez un certificat reconnu (Let's Encrypt) sur le serveur. Pour un serveur interne, ajoutez son autorité de certification à la machine de Facteur (NODE_EXTRA_CA_CERTS).",
        "Install a trusted certificate (Let's Encrypt) on the server. For an internal server, add its certificate authority to Facteur's machine (NODE_EXTRA_CA_CERTS).",
      ),
  },
  CERT_EXPIRED: {
    diagnosis: (p) =>
      same(`Le certificat de ${p.host} a expiré.`, `The certificate of ${p.host} has expired.`),
    fix: () =>
      same(
        "Le certificat doit être renouvelé sur le serveur (souvent renouvelé mais service de messagerie non redémarré). Vérifiez aussi l'horloge de la machine.",
        "The certificate must be renewed on the server (often renewed but the mail service was not reloaded). Also check the machine's clock.",
      ),
  },
  CERT_NOT_YET_VALID: {
    diagnosis: (p) =>
      same(
        `Le certificat de ${p.host} n'est pas encore valide.`,
        `The certificate of ${p.host} is not valid yet.`,
      ),
    fix: () =>
      same(
        "Vérifiez l'horloge de la machine de Facteur, puis la date du certificat du serveur.",
        "Check the clock of the machine running Facteur, then the server certificate's dates.",
      ),
  },
  CERT_HOSTNAME_MISMATCH: {
    diagnosis: (p) =>
      same(
        `Le certificat présenté ne porte pas le nom « ${p.host} » (hébergement mutualisé, ou adresse IP au lieu du nom).`,
        `The certificate does not carry the name "${p.host}" (shared hosting, or an IP address instead of the name).`,
      ),
    fix: () =>
      same(
        "Utilisez le nom de serveur inscrit dans le certificat (voir les détails TLS), souvent celui de l'hébergeur plutôt que mail.votre-domaine.",
        "Use the server name written in the certificate (see TLS details), often the provider's host rather than mail.your-domain.",
      ),
  },
  CERT_UNTRUSTED: {
    diagnosis: () =>
      same(
        "Le certificat vient d'une autorité inconnue, ou le serveur n'envoie pas la chaîne complète.",
        "The certificate comes from an unknown authority, or the server does not send the full chain.",
      ),
    fix: () =>
      same(
        "L'administrateur du serveur doit installer la chaîne complète (fullchain). Un antivirus qui inspecte le trafic peut aussi en être la cause.",
        "The server administrator must install the full chain (fullchain). An antivirus inspecting traffic can also cause this.",
      ),
  },
};
