import { server, type ServerSettings } from "../model.js";

/**
 * Bundled provider database: well-known mailbox providers whose settings are stable and published.
 * Reviewable data, one entry per provider, each with where its values come from. Only values the
 * provider documents (or that Mozilla's ISPDB carries) are listed; when in doubt an entry is left out
 * and discovery falls through to DNS and probing.
 *
 * `mx` lists MX host suffixes that identify a hosted offer (a company domain on Google Workspace,
 * Microsoft 365, OVH…): used by the MX heuristic, never to decide for the provider's own domains.
 */
export interface ProviderEntry {
  id: string;
  name: string;
  /** Mail domains of the provider's own addresses (lower case). */
  domains: string[];
  /** Suffixes of MX hosts served by this provider, for company domains hosted there. */
  mx?: string[];
  incoming: ServerSettings[];
  outgoing: ServerSettings[];
  note?: { fr: string; en: string };
  /** Where the values were checked (provider help pages, ISPDB file names). */
  sources: string[];
}

const APP_PASSWORD_NOTE = {
  fr: "Avec la validation en deux étapes, utilisez un mot de passe d'application créé dans votre compte, pas votre mot de passe habituel.",
  en: "With two-step verification on, use an app password created in your account, not your usual password.",
};

const GOOGLE: Omit<ProviderEntry, "id" | "name" | "domains"> = {
  incoming: [
    server("imap", "imap.gmail.com", "tls", { authentication: "oauth2" }),
    server("pop3", "pop.gmail.com", "tls", { authentication: "oauth2" }),
  ],
  outgoing: [
    server("smtp", "smtp.gmail.com", "tls", { authentication: "oauth2" }),
    server("smtp", "smtp.gmail.com", "starttls", { authentication: "oauth2" }),
  ],
  note: APP_PASSWORD_NOTE,
  sources: ["support.google.com/mail/answer/7126229", "ISPDB googlemail.com.xml"],
};

const MICROSOFT_365: Omit<ProviderEntry, "id" | "name" | "domains"> = {
  incoming: [
    server("imap", "outlook.office365.com", "tls", { authentication: "oauth2" }),
    server("pop3", "outlook.office365.com", "tls", { authentication: "oauth2" }),
  ],
  outgoing: [server("smtp", "smtp.office365.com", "starttls", { authentication: "oauth2" })],
  note: {
    fr: "Microsoft exige la connexion moderne (OAuth2) : choisissez « Microsoft » / « Exchange » dans le logiciel quand il le propose.",
    en: "Microsoft requires modern sign-in (OAuth2): choose “Microsoft” / “Exchange” in the client when it offers it.",
  },
  sources: [
    "support.microsoft.com “POP, IMAP, and SMTP settings for Outlook.com”",
    "ISPDB office365.com.xml",
  ],
};

const OVH: Omit<ProviderEntry, "id" | "name" | "domains"> = {
  incoming: [server("imap", "ssl0.ovh.net", "tls"), server("pop3", "ssl0.ovh.net", "tls")],
  outgoing: [server("smtp", "ssl0.ovh.net", "tls"), server("smtp", "ssl0.ovh.net", "starttls")],
  sources: ["help.ovhcloud.com “MX Plan – configurer son adresse e-mail”", "ISPDB ovh.net.xml"],
};

export const PROVIDERS: readonly ProviderEntry[] = [
  {
    id: "orange",
    name: "Orange",
    domains: ["orange.fr", "wanadoo.fr"],
    incoming: [server("imap", "imap.orange.fr", "tls"), server("pop3", "pop.orange.fr", "tls")],
    outgoing: [server("smtp", "smtp.orange.fr", "tls")],
    sources: [
      "assistance.orange.fr “Paramétrer la messagerie Orange dans un logiciel”",
      "ISPDB orange.fr.xml",
    ],
  },
  {
    id: "free",
    name: "Free",
    domains: ["free.fr"],
    incoming: [
      server("imap", "imap.free.fr", "tls", { username: "%EMAILLOCALPART%" }),
      server("pop3", "pop.free.fr", "tls", { username: "%EMAILLOCALPART%" }),
    ],
    outgoing: [server("smtp", "smtp.free.fr", "tls", { username: "%EMAILLOCALPART%" })],
    sources: [
      "assistance.free.fr/articles/configurer-de-maniere-avancee-mon-logiciel-de-messagerie-609",
      "ISPDB free.fr.xml",
    ],
  },
  {
    id: "sfr",
    name: "SFR",
    domains: ["sfr.fr", "neuf.fr"],
    incoming: [server("imap", "imap.sfr.fr", "tls"), server("pop3", "pop.sfr.fr", "tls")],
    outgoing: [server("smtp", "smtp.sfr.fr", "tls")],
    sources: ["assistance.sfr.fr “Configurer sa messagerie SFR sur un logiciel”", "ISPDB sfr.fr.xml"],
  },
  {
    id: "laposte",
    name: "La Poste (laposte.net)",
    domains: ["laposte.net"],
    incoming: [
      server("imap", "imap.laposte.net", "tls", { username: "%EMAILLOCALPART%" }),
      server("pop3", "pop.laposte.net", "tls", { username: "%EMAILLOCALPART%" }),
    ],
    outgoing: [server("smtp", "smtp.laposte.net", "tls", { username: "%EMAILLOCALPART%" })],
    sources: ["aide.laposte.net “Paramétrer un logiciel de messagerie”", "ISPDB laposte.net.xml"],
  },
  { id: "gmail", name: "Gmail", domains: ["gmail.com", "googlemail.com"], ...GOOGLE },
  {
    id: "outlook",
    name: "Outlook.com",
    domains: ["outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "live.com", "live.fr", "msn.com"],
    ...MICROSOFT_365,
    incoming: [
      server("imap", "outlook.office365.com", "tls", { authentication: "oauth2" }),
      server("pop3", "outlook.office365.com", "tls", { authentication: "oauth2" }),
    ],
    outgoing: [server("smtp", "smtp-mail.outlook.com", "starttls", { authentication: "oauth2" })],
  },
  {
    id: "yahoo",
    name: "Yahoo Mail",
    domains: ["yahoo.com", "yahoo.fr", "ymail.com"],
    incoming: [server("imap", "imap.mail.yahoo.com", "tls"), server("pop3", "pop.mail.yahoo.com", "tls")],
    outgoing: [
      server("smtp", "smtp.mail.yahoo.com", "tls"),
      server("smtp", "smtp.mail.yahoo.com", "starttls"),
    ],
    note: APP_PASSWORD_NOTE,
    sources: ["help.yahoo.com “IMAP server settings for Yahoo Mail”", "ISPDB yahoo.com.xml"],
  },
  {
    id: "icloud",
    name: "iCloud Mail",
    domains: ["icloud.com", "me.com", "mac.com"],
    incoming: [server("imap", "imap.mail.me.com", "tls", { username: "%EMAILLOCALPART%" })],
    outgoing: [server("smtp", "smtp.mail.me.com", "starttls")],
    note: {
      fr: "iCloud demande un mot de passe pour app (appleid.apple.com) ; l'identifiant entrant est la partie avant @, le sortant l'adresse complète.",
      en: "iCloud needs an app-specific password (appleid.apple.com); the incoming login is the part before @, the outgoing one the full address.",
    },
    sources: [
      "support.apple.com/102525 “iCloud Mail server settings for other email client apps”",
      "ISPDB me.com.xml",
    ],
  },
  {
    id: "gmx",
    name: "GMX",
    // gmx.com.xml in the ISPDB lists these domains on the gmx.com servers (gmx.net/.de use their own).
    domains: ["gmx.com", "gmx.fr", "gmx.us", "gmx.co.uk", "gmx.es", "gmx.it", "gmx.ca"],
    incoming: [server("imap", "imap.gmx.com", "tls"), server("pop3", "pop.gmx.com", "tls")],
    outgoing: [server("smtp", "mail.gmx.com", "tls"), server("smtp", "mail.gmx.com", "starttls")],
    sources: ["support.gmx.com “POP3 and IMAP settings”", "ISPDB gmx.com.xml"],
  },
  {
    id: "gmx-de",
    name: "GMX (gmx.net / gmx.de)",
    domains: ["gmx.net", "gmx.de"],
    incoming: [server("imap", "imap.gmx.net", "tls"), server("pop3", "pop.gmx.net", "tls")],
    outgoing: [server("smtp", "mail.gmx.net", "tls"), server("smtp", "mail.gmx.net", "starttls")],
    sources: ["hilfe.gmx.net “IMAP und POP3 einrichten”", "ISPDB gmx.net.xml"],
  },
  {
    id: "proton-bridge",
    name: "Proton Mail (Bridge)",
    domains: ["proton.me", "protonmail.com", "pm.me"],
    incoming: [server("imap", "127.0.0.1", "starttls", { port: 1143 })],
    outgoing: [server("smtp", "127.0.0.1", "starttls", { port: 1025 })],
    note: {
      fr: "Proton Mail passe par l'application Proton Mail Bridge installée sur l'ordinateur : utilisez l'identifiant et le mot de passe affichés par Bridge (pas celui de votre compte).",
      en: "Proton Mail works through the Proton Mail Bridge app installed on the computer: use the username and password Bridge shows (not your account password).",
    },
    sources: ["proton.me/support/protonmail-bridge-clients (default Bridge ports 1143/1025)"],
  },
  // Hosted offers: found by MX for company domains; listed here with their own domains when they have some.
  {
    id: "google-workspace",
    name: "Google Workspace",
    domains: [],
    mx: ["google.com", "googlemail.com"],
    ...GOOGLE,
  },
  {
    id: "microsoft-365",
    name: "Microsoft 365",
    domains: [],
    mx: ["mail.protection.outlook.com"],
    ...MICROSOFT_365,
  },
  {
    id: "ovh",
    name: "OVHcloud (MX Plan / E-mail Pro)",
    domains: [],
    mx: ["mail.ovh.net", "ovh.net"],
    ...OVH,
  },
  {
    id: "gandi",
    name: "Gandi Mail",
    domains: [],
    mx: ["mail.gandi.net"],
    incoming: [server("imap", "mail.gandi.net", "tls"), server("pop3", "mail.gandi.net", "tls")],
    outgoing: [server("smtp", "mail.gandi.net", "tls"), server("smtp", "mail.gandi.net", "starttls")],
    sources: ["docs.gandi.net “Mail client settings”", "ISPDB gandi.net.xml"],
  },
];

const BY_DOMAIN = new Map(PROVIDERS.flatMap((p) => p.domains.map((d) => [d, p] as const)));

/** The provider serving addresses of this domain, if it is one of the bundled ones. */
export function providerForDomain(domain: string): ProviderEntry | undefined {
  return BY_DOMAIN.get(domain.toLowerCase());
}

/** The hosted offer whose MX host suffix matches (`aspmx.l.google.com` → Google Workspace). */
export function providerForMx(mxHost: string): ProviderEntry | undefined {
  const host = mxHost.toLowerCase().replace(/\.$/, "");
  return PROVIDERS.find((p) => p.mx?.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)));
}
