import type { ErrorDefinition } from "../error-definition.js";

/**
 * Codes of the diagnostics capability. Most are not thrown: they name why a connection test failed and
 * travel in the test result (`failure.code`); the status says what an HTTP client would get if one were
 * raised as an error (502/504: the remote mail server failed, not Facteur). The longer diagnosis and fix
 * shown to users live in `src/diagnostics/explain-text.ts`; the texts here are one-line summaries.
 */
export const diagnosticsErrors = {
  TARGET_BLOCKED: {
    status: 403,
    fr: "Adresse refusée par la politique de connexions sortantes (boucle locale, lien local, métadonnées cloud, réseau privé pour la découverte, ou FACTEUR_TARGETS_DENY) : un administrateur peut l'ouvrir avec FACTEUR_TARGETS_ALLOW.",
    en: "Address refused by the outbound connection policy (loopback, link-local, cloud metadata, private network for discovery, or FACTEUR_TARGETS_DENY): an administrator can open it with FACTEUR_TARGETS_ALLOW.",
  },
  TARGET_PORT_BLOCKED: {
    status: 403,
    fr: "Port refusé par la politique de connexions sortantes (seuls les ports de messagerie sont ouverts) : un administrateur peut l'ajouter à FACTEUR_TARGET_PORTS.",
    en: "Port refused by the outbound connection policy (only mail ports are open): an administrator can add it to FACTEUR_TARGET_PORTS.",
  },
  TARGET_RATE_LIMITED: {
    status: 429,
    fr: "Trop de connexions sortantes en peu de temps : réessayez dans un instant (limites FACTEUR_TARGET_RATE et FACTEUR_TARGET_RATE_PER_TARGET).",
    en: "Too many outbound connections in a short time: try again shortly (limits FACTEUR_TARGET_RATE and FACTEUR_TARGET_RATE_PER_TARGET).",
  },
  TARGET_PORT_SCAN_LIMITED: {
    status: 429,
    fr: "Trop de ports différents du même serveur en 10 minutes, comme un balayage de ports : refusé (limite FACTEUR_TARGET_PORTS_PER_HOST).",
    en: "Too many different ports of the same server within 10 minutes, like a port scan: refused (limit FACTEUR_TARGET_PORTS_PER_HOST).",
  },
  NOT_MAIL_SERVER: {
    status: 502,
    fr: "Ce port ne répond pas comme un serveur de messagerie : son message d'accueil n'est pas affiché.",
    en: "This port does not answer like a mail server: its greeting is not shown.",
  },
  TARGET_INVALID: {
    status: 422,
    fr: "Hôte ou port invalide (ex. smtp.exemple.fr:587).",
    en: "Invalid host or port (e.g. smtp.example.com:587).",
  },
  BULK_RUN_NOT_FOUND: { status: 404, fr: "Test groupé introuvable.", en: "Bulk test not found." },
  DNS_NOT_FOUND: {
    status: 502,
    fr: "Nom de serveur introuvable (DNS).",
    en: "Server name not found (DNS).",
  },
  DNS_TEMPORARY_FAILURE: {
    status: 502,
    fr: "Le DNS ne répond pas pour l'instant.",
    en: "DNS is not answering right now.",
  },
  CONNECTION_REFUSED: {
    status: 502,
    fr: "Connexion refusée : rien n'écoute sur ce port.",
    en: "Connection refused: nothing listens on this port.",
  },
  CONNECT_TIMEOUT: {
    status: 504,
    fr: "Le serveur ne répond pas (délai de connexion dépassé).",
    en: "The server does not answer (connection timed out).",
  },
  PORT_25_BLOCKED: {
    status: 504,
    fr: "Le port 25 semble bloqué par votre réseau.",
    en: "Port 25 seems blocked by your network.",
  },
  HOST_UNREACHABLE: {
    status: 502,
    fr: "Serveur injoignable (pas de route réseau).",
    en: "Server unreachable (no network route).",
  },
  TLS_MODE_MISMATCH_USE_STARTTLS: {
    status: 502,
    fr: "SSL/TLS utilisé sur un port qui attend STARTTLS ou du texte clair.",
    en: "SSL/TLS used on a port that expects STARTTLS or plain text.",
  },
  TLS_MODE_MISMATCH_USE_TLS: {
    status: 502,
    fr: "Connexion sans SSL/TLS sur un port qui attend SSL/TLS dès le départ.",
    en: "Connection without SSL/TLS on a port that expects SSL/TLS from the start.",
  },
  TLS_HANDSHAKE_FAILED: {
    status: 502,
    fr: "La négociation du chiffrement TLS a échoué.",
    en: "The TLS encryption handshake failed.",
  },
  TLS_PROTOCOL_TOO_OLD: {
    status: 502,
    fr: "Le serveur n'accepte qu'une version de TLS trop ancienne.",
    en: "The server only accepts an outdated TLS version.",
  },
  CERT_SELF_SIGNED: {
    status: 502,
    fr: "Certificat auto-signé : il ne prouve pas l'identité du serveur.",
    en: "Self-signed certificate: it does not prove the server's identity.",
  },
  CERT_EXPIRED: {
    status: 502,
    fr: "Le certificat du serveur a expiré.",
    en: "The server certificate has expired.",
  },
  CERT_NOT_YET_VALID: {
    status: 502,
    fr: "Le certificat du serveur n'est pas encore valide.",
    en: "The server certificate is not valid yet.",
  },
  CERT_HOSTNAME_MISMATCH: {
    status: 502,
    fr: "Le certificat est émis pour un autre nom de serveur.",
    en: "The certificate was issued for another server name.",
  },
  CERT_UNTRUSTED: {
    status: 502,
    fr: "Certificat émis par une autorité inconnue ou chaîne incomplète.",
    en: "Certificate from an unknown authority or incomplete chain.",
  },
  GREETING_TIMEOUT: {
    status: 504,
    fr: "Connecté, mais le serveur ne dit rien (pas de message d'accueil).",
    en: "Connected, but the server says nothing (no greeting).",
  },
  GREETING_REJECTED: {
    status: 502,
    fr: "Le serveur refuse la connexion dès l'accueil.",
    en: "The server refuses the connection at greeting.",
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    fr: "Service temporairement indisponible (421).",
    en: "Service temporarily unavailable (421).",
  },
  WRONG_PROTOCOL: {
    status: 502,
    fr: "Ce port parle un autre protocole que celui demandé.",
    en: "This port speaks another protocol than the one requested.",
  },
  CONNECTION_DROPPED: {
    status: 502,
    fr: "Le serveur a coupé la connexion en cours de dialogue.",
    en: "The server closed the connection mid-session.",
  },
  REPLY_TIMEOUT: {
    status: 504,
    fr: "Le serveur met trop de temps à répondre à une commande.",
    en: "The server takes too long to answer a command.",
  },
  EHLO_REJECTED: {
    status: 502,
    fr: "Le serveur refuse la présentation (EHLO).",
    en: "The server rejects the introduction (EHLO).",
  },
  STARTTLS_NOT_OFFERED: {
    status: 502,
    fr: "Le serveur ne propose pas STARTTLS sur ce port.",
    en: "The server does not offer STARTTLS on this port.",
  },
  STARTTLS_FAILED: {
    status: 502,
    fr: "Le serveur a refusé de passer en chiffré (STARTTLS).",
    en: "The server refused to switch to encryption (STARTTLS).",
  },
  AUTH_NOT_OFFERED: {
    status: 502,
    fr: "Le serveur ne propose pas d'authentification sur ce port.",
    en: "The server offers no authentication on this port.",
  },
  AUTH_NOT_OFFERED_BEFORE_STARTTLS: {
    status: 502,
    fr: "Le serveur ne propose l'authentification qu'après STARTTLS.",
    en: "The server only offers authentication after STARTTLS.",
  },
  AUTH_MECHANISM_UNSUPPORTED: {
    status: 502,
    fr: "Aucune méthode d'authentification commune (PLAIN, LOGIN).",
    en: "No common authentication method (PLAIN, LOGIN).",
  },
  AUTH_FAILED: {
    status: 502,
    fr: "Identifiant ou mot de passe refusé.",
    en: "Username or password rejected.",
  },
  AUTH_APP_PASSWORD_REQUIRED: {
    status: 502,
    fr: "Le fournisseur exige un mot de passe d'application ou une connexion web.",
    en: "The provider requires an app password or a web sign-in.",
  },
  TLS_REQUIRED_FOR_AUTH: {
    status: 502,
    fr: "Le serveur exige le chiffrement avant l'authentification.",
    en: "The server requires encryption before authentication.",
  },
  AUTH_REQUIRED: {
    status: 502,
    fr: "Le serveur exige une authentification pour envoyer.",
    en: "The server requires authentication to send.",
  },
  SENDER_REFUSED: {
    status: 502,
    fr: "Adresse d'expédition refusée par le serveur.",
    en: "Sender address refused by the server.",
  },
  RELAY_DENIED: {
    status: 502,
    fr: "Relais refusé : le serveur n'accepte pas d'envoyer vers ce destinataire.",
    en: "Relay denied: the server will not send to this recipient.",
  },
  RECIPIENT_REFUSED: {
    status: 502,
    fr: "Destinataire refusé (adresse inconnue ou boîte pleine).",
    en: "Recipient refused (unknown address or full mailbox).",
  },
  GREYLISTED: {
    status: 503,
    fr: "Liste grise : le serveur demande de réessayer plus tard.",
    en: "Greylisted: the server asks to retry later.",
  },
  TEMPORARY_FAILURE: {
    status: 503,
    fr: "Erreur temporaire du serveur (4xx).",
    en: "Temporary server error (4xx).",
  },
  MAILBOX_IN_USE: {
    status: 503,
    fr: "Boîte aux lettres occupée par une autre connexion POP3.",
    en: "Mailbox locked by another POP3 session.",
  },
  PROTOCOL_ERROR: {
    status: 502,
    fr: "Réponse inattendue du serveur.",
    en: "Unexpected server reply.",
  },
  PROTOCOL_ARGUMENT_REFUSED: {
    status: 422,
    fr: "Réglage refusé : un retour à la ligne ou un caractère de contrôle ajouterait une commande au protocole.",
    en: "Setting refused: a line break or control character would add a command to the protocol.",
  },
} as const satisfies Record<string, ErrorDefinition>;

export type DiagnosticCode = keyof typeof diagnosticsErrors;

/** Codes a connection test can end with (the others are request errors). */
export type ProbeFailureCode = Exclude<DiagnosticCode, "TARGET_INVALID" | "BULK_RUN_NOT_FOUND">;
