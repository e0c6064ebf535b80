import { NAME, same, starttlsPort, tlsPort, type ExplanationTable } from "./explain-text-kit.js";

/** Talking to the server: greeting, commands, authentication, envelope. */
export type SessionCode =
  | "GREETING_TIMEOUT"
  | "GREETING_REJECTED"
  | "SERVICE_UNAVAILABLE"
  | "WRONG_PROTOCOL"
  | "CONNECTION_DROPPED"
  | "REPLY_TIMEOUT"
  | "EHLO_REJECTED"
  | "STARTTLS_NOT_OFFERED"
  | "STARTTLS_FAILED"
  | "AUTH_NOT_OFFERED"
  | "AUTH_NOT_OFFERED_BEFORE_STARTTLS"
  | "AUTH_MECHANISM_UNSUPPORTED"
  | "AUTH_FAILED"
  | "AUTH_APP_PASSWORD_REQUIRED"
  | "TLS_REQUIRED_FOR_AUTH"
  | "AUTH_REQUIRED"
  | "SENDER_REFUSED"
  | "RELAY_DENIED"
  | "RECIPIENT_REFUSED"
  | "GREYLISTED"
  | "TEMPORARY_FAILURE"
  | "MAILBOX_IN_USE"
  | "PROTOCOL_ERROR";

export const SESSION_EXPLANATIONS: ExplanationTable<SessionCode> = {
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
