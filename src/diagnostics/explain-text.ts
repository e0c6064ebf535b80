import type { ProbeFailureCode } from "../domain/codes/diagnostics.js";
import { DEFAULT_PORTS, type MailProtocol } from "../domain/ports.js";
import type { LocalizedText } from "./result.js";

/** What an explanation may quote: the settings tried and the server's own words. */
export interface ExplainParams {
  protocol: MailProtocol;
  host: string;
  port: number;
  /** Server reply (or Node error) as received, shown verbatim after the diagnosis. */
  reply: string | null;
}

type Text = (p: ExplainParams) => LocalizedText;

interface CodeText {
  diagnosis: Text;
  fix: Text;
}

const NAME: Record<MailProtocol, string> = { smtp: "SMTP", imap: "IMAP", pop3: "POP3" };
const tlsPort = (p: ExplainParams) => DEFAULT_PORTS[p.protocol].tls;
const starttlsPort = (p: ExplainParams) => DEFAULT_PORTS[p.protocol].starttls;
const same = (fr: string, en: string): LocalizedText => ({ fr, en });

/**
 * Diagnosis and fix for each failure code, in the words of the help-desk pages ("SSL", "port",
 * "mot de passe d'application"): what happened, then what to change. Wording is the product; keep it short.
 */
export const EXPLANATIONS: Record<ProbeFailureCode, CodeText> = {
  TARGET_BLOCKED: {
    diagnosis: (p) =>
      same(
        `${p.host} désigne une adresse réservée (lien local, métadonnées du cloud, multidiffusion) : Facteur refuse de s'y connecter.`,
        `${p.host} points to a reserved address (link-local, cloud metadata, multicast): Facteur refuses to connect there.`,
      ),
    fix: () =>
      same(
        "Vérifiez le nom du serveur. Si cette adresse est vraiment un serveur de messagerie, l'administrateur peut l'autoriser dans FACTEUR_ALLOW_PRIVATE_TARGETS.",
        "Check the server name. If this address really is a mail server, the administrator can allow it in FACTEUR_ALLOW_PRIVATE_TARGETS.",
      ),
  },
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
  GREETING_TIMEOUT: {
    diagnosis: (p) =>
      same(
        `La connexion est établie mais ${p.host} n'envoie aucun message d'accueil.`,
        `The connection is up but ${p.host} sends no greeting.`,
      ),
    fix: (p) =>
      same(
        `Souvent un mode de sécurité inversé : SSL/TLS sur ${tlsPort(p)}, STARTTLS sur ${starttlsPort(p)}. Sinon le serveur est surchargé : réessayez plus tard.`,
        `Usually a swapped security mode: SSL/TLS on ${tlsPort(p)}, STARTTLS on ${starttlsPort(p)}. Otherwise the server is overloaded: try again later.`,
      ),
  },
  GREETING_REJECTED: {
    diagnosis: (p) =>
      same(
        `${p.host} refuse la connexion dès l'accueil (adresse IP bloquée ou liste noire).`,
        `${p.host} refuses the connection at greeting (blocked or blacklisted IP address).`,
      ),
    fix: () =>
      same(
        "Lisez le message du serveur ; utilisez le serveur d'envoi authentifié de votre fournisseur, ou demandez le déblocage de l'adresse IP.",
        "Read the server's message; use your provider's authenticated submission server, or ask for the IP address to be unblocked.",
      ),
  },
  SERVICE_UNAVAILABLE: {
    diagnosis: () =>
      same(
        "Le serveur est temporairement indisponible ou limite le nombre de connexions (code 421).",
        "The server is temporarily unavailable or limits connections (code 421).",
      ),
    fix: () =>
      same(
        "Réessayez dans quelques minutes ; ce n'est pas une erreur de réglage.",
        "Try again in a few minutes; this is not a settings error.",
      ),
  },
  WRONG_PROTOCOL: {
    diagnosis: (p) =>
      same(
        `Le port ${p.port} ne parle pas ${NAME[p.protocol]} (ports entrants et sortants inversés ?).`,
        `Port ${p.port} does not speak ${NAME[p.protocol]} (incoming and outgoing ports swapped?).`,
      ),
    fix: () =>
      same(
        "Envoi (SMTP) : 587 ou 465. Réception : IMAP 993 ou 143, POP3 995 ou 110.",
        "Sending (SMTP): 587 or 465. Receiving: IMAP 993 or 143, POP3 995 or 110.",
      ),
  },
  CONNECTION_DROPPED: {
    diagnosis: () =>
      same(
        "Le serveur a coupé la connexion au milieu du dialogue.",
        "The server closed the connection in the middle of the conversation.",
      ),
    fix: () =>
      same(
        "Trop d'essais ratés peuvent bannir votre adresse quelques minutes (fail2ban) : attendez, puis vérifiez le mode de sécurité et le port.",
        "Too many failed attempts can ban your address for a few minutes (fail2ban): wait, then check the security mode and port.",
      ),
  },
  REPLY_TIMEOUT: {
    diagnosis: () =>
      same(
        "Le serveur répond beaucoup trop lentement (serveur surchargé ou ralentissement volontaire anti-spam).",
        "The server answers far too slowly (overloaded server or deliberate anti-spam slowdown).",
      ),
    fix: () =>
      same(
        "Réessayez plus tard ; si cela dure, utilisez le serveur d'envoi authentifié de votre fournisseur (587).",
        "Try again later; if it lasts, use your provider's authenticated submission server (587).",
      ),
  },
  EHLO_REJECTED: {
    diagnosis: () =>
      same(
        "Le serveur refuse la présentation EHLO de Facteur.",
        "The server rejects Facteur's EHLO introduction.",
      ),
    fix: () =>
      same(
        "Le serveur filtre les clients inconnus : utilisez son port d'envoi authentifié (587 ou 465).",
        "The server filters unknown clients: use its authenticated submission port (587 or 465).",
      ),
  },
  STARTTLS_NOT_OFFERED: {
    diagnosis: (p) =>
      same(
        `Le serveur ne propose pas STARTTLS sur le port ${p.port}.`,
        `The server does not offer STARTTLS on port ${p.port}.`,
      ),
    fix: (p) =>
      same(
        `Essayez SSL/TLS sur le port ${tlsPort(p)}. Si le serveur le proposait d'habitude, un équipement réseau ou un antivirus le retire peut-être.`,
        `Try SSL/TLS on port ${tlsPort(p)}. If the server used to offer it, a network device or antivirus may be stripping it.`,
      ),
  },
  STARTTLS_FAILED: {
    diagnosis: () =>
      same(
        "Le serveur a annoncé STARTTLS mais a refusé de l'activer.",
        "The server announced STARTTLS but refused to start it.",
      ),
    fix: (p) =>
      same(
        `Problème de configuration TLS du serveur : essayez SSL/TLS sur le port ${tlsPort(p)} et signalez-le à l'hébergeur.`,
        `The server's TLS setup is broken: try SSL/TLS on port ${tlsPort(p)} and report it to the provider.`,
      ),
  },
  AUTH_NOT_OFFERED: {
    diagnosis: (p) =>
      same(
        `Le serveur ne propose aucune authentification sur le port ${p.port} : l'identifiant n'a pas été envoyé.`,
        `The server offers no authentication on port ${p.port}: the credentials were not sent.`,
      ),
    fix: () =>
      same(
        "Ce port est sans doute réservé à la réception de courrier entre serveurs (MX) : utilisez le port d'envoi de votre fournisseur, 587 (STARTTLS) ou 465 (SSL/TLS).",
        "This port is probably for server-to-server delivery (MX): use your provider's submission port, 587 (STARTTLS) or 465 (SSL/TLS).",
      ),
  },
  AUTH_NOT_OFFERED_BEFORE_STARTTLS: {
    diagnosis: () =>
      same(
        "Le serveur ne propose l'authentification qu'une fois la connexion chiffrée : sans STARTTLS, le mot de passe n'a pas été envoyé.",
        "The server only offers authentication once the connection is encrypted: without STARTTLS, the password was not sent.",
      ),
    fix: (p) =>
      same(
        `Choisissez STARTTLS sur le port ${p.port}, ou SSL/TLS sur le port ${tlsPort(p)}.`,
        `Choose STARTTLS on port ${p.port}, or SSL/TLS on port ${tlsPort(p)}.`,
      ),
  },
  AUTH_MECHANISM_UNSUPPORTED: {
    diagnosis: () =>
      same(
        "Le serveur ne propose ni PLAIN ni LOGIN (« mot de passe normal »).",
        'The server offers neither PLAIN nor LOGIN ("normal password").',
      ),
    fix: () =>
      same(
        "Le serveur attend une autre méthode (OAuth2, mot de passe chiffré) : vérifiez la méthode d'authentification indiquée par votre fournisseur.",
        "The server expects another method (OAuth2, encrypted password): check the authentication method your provider documents.",
      ),
  },
  AUTH_FAILED: {
    diagnosis: (p) =>
      same(
        `${NAME[p.protocol]} : identifiant ou mot de passe refusé par le serveur.`,
        `${NAME[p.protocol]}: username or password rejected by the server.`,
      ),
    fix: (p) =>
      same(
        `Ressaisissez le mot de passe et vérifiez-le en vous connectant au webmail. L'identifiant est souvent l'adresse complète (nom@domaine.fr).${p.protocol === "smtp" ? "" : ` Vérifiez aussi que l'accès ${NAME[p.protocol]} est activé dans les réglages du compte.`}`,
        `Re-enter the password and check it by signing in to webmail. The username is usually the full address (name@domain.com).${p.protocol === "smtp" ? "" : ` Also check that ${NAME[p.protocol]} access is enabled in the account settings.`}`,
      ),
  },
  AUTH_APP_PASSWORD_REQUIRED: {
    diagnosis: () =>
      same(
        "Le fournisseur refuse le mot de passe habituel : la validation en deux étapes impose un mot de passe d'application (ou une connexion par le navigateur).",
        "The provider refuses the usual password: two-step verification requires an app password (or a sign-in through the browser).",
      ),
    fix: () =>
      same(
        "Créez un mot de passe d'application dans les réglages de sécurité du compte et utilisez-le ici.",
        "Create an app password in the account's security settings and use it here.",
      ),
  },
  TLS_REQUIRED_FOR_AUTH: {
    diagnosis: () =>
      same(
        "Le serveur refuse l'authentification sur une connexion non chiffrée.",
        "The server refuses authentication over an unencrypted connection.",
      ),
    fix: (p) =>
      same(
        `Choisissez STARTTLS (port ${starttlsPort(p)}) ou SSL/TLS (port ${tlsPort(p)}).`,
        `Choose STARTTLS (port ${starttlsPort(p)}) or SSL/TLS (port ${tlsPort(p)}).`,
      ),
  },
  AUTH_REQUIRED: {
    diagnosis: () =>
      same(
        "Le serveur exige une authentification avant d'accepter un message.",
        "The server requires authentication before accepting a message.",
      ),
    fix: () =>
      same(
        "Cochez « Mon serveur requiert une authentification » et saisissez l'identifiant et le mot de passe du compte.",
        'Tick "My server requires authentication" and enter the account\'s username and password.',
      ),
  },
  SENDER_REFUSED: {
    diagnosis: () =>
      same(
        "Le serveur refuse l'adresse d'expédition : elle n'appartient pas au compte authentifié.",
        "The server refuses the sender address: it does not belong to the authenticated account.",
      ),
    fix: () =>
      same(
        "Utilisez comme expéditeur l'adresse du compte (ou un alias autorisé par le fournisseur).",
        "Use the account's own address as sender (or an alias the provider allows).",
      ),
  },
  RELAY_DENIED: {
    diagnosis: () =>
      same(
        "Relais refusé : le serveur n'accepte d'envoyer vers l'extérieur qu'aux utilisateurs authentifiés.",
        "Relay denied: the server only sends to outside addresses for authenticated users.",
      ),
    fix: () =>
      same(
        "Activez l'authentification, et utilisez le serveur d'envoi de votre fournisseur sur 587 ou 465 (et non le serveur MX sur 25).",
        "Enable authentication, and use your provider's submission server on 587 or 465 (not the MX server on 25).",
      ),
  },
  RECIPIENT_REFUSED: {
    diagnosis: () =>
      same(
        "Le destinataire de test est refusé (adresse inconnue ou boîte pleine) : les réglages du serveur sont bons.",
        "The test recipient is refused (unknown address or full mailbox): the server settings are fine.",
      ),
    fix: () => same("Testez avec une autre adresse de destination.", "Test with another recipient address."),
  },
  GREYLISTED: {
    diagnosis: () =>
      same(
        "Liste grise : le serveur de destination diffère volontairement le premier envoi d'un expéditeur inconnu.",
        "Greylisting: the receiving server deliberately defers the first attempt from an unknown sender.",
      ),
    fix: () =>
      same(
        "Rien à changer : un nouvel essai dans quelques minutes sera accepté.",
        "Nothing to change: another attempt in a few minutes will be accepted.",
      ),
  },
  TEMPORARY_FAILURE: {
    diagnosis: () =>
      same(
        "Le serveur signale une erreur temporaire (code 4xx).",
        "The server reports a temporary error (4xx code).",
      ),
    fix: () =>
      same(
        "Réessayez dans quelques minutes ; si cela persiste, contactez l'hébergeur du serveur.",
        "Try again in a few minutes; if it persists, contact the server's provider.",
      ),
  },
  MAILBOX_IN_USE: {
    diagnosis: () =>
      same(
        "La boîte est verrouillée : un autre logiciel (souvent un téléphone) la relève en POP3 au même moment.",
        "The mailbox is locked: another program (often a phone) is collecting it over POP3 at the same time.",
      ),
    fix: () =>
      same(
        "Fermez l'autre logiciel ou espacez les relèves, puis réessayez.",
        "Close the other program or space out the checks, then try again.",
      ),
  },
  PROTOCOL_ERROR: {
    diagnosis: () =>
      same("Le serveur a répondu de façon inattendue.", "The server answered in an unexpected way."),
    fix: () =>
      same(
        "Lisez la réponse du serveur dans la transcription ; vérifiez le port et le protocole choisis.",
        "Read the server's reply in the transcript; check the chosen port and protocol.",
      ),
  },
};
