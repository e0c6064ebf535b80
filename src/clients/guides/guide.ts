import { FacteurError, type Lang } from "../../domain/errors.js";
import type { SecurityMode } from "../../domain/ports.js";
import type { DiscoveryResult, DiscoverySource } from "../discovery/discover.js";
import {
  AUTH_LABEL,
  loginFor,
  PROTOCOL_LABEL,
  SECURITY_LABEL,
  type IncomingProtocol,
  type ServerSettings,
} from "../model.js";
import {
  LEGACY_WARNING,
  STARTTLS_LEGACY_HINT,
  type AutomaticKind,
  type Bilingual,
  type ClientGuide,
} from "./catalog.js";
import { MICROSOFT_GUIDES } from "./catalog-microsoft.js";
import { OTHER_GUIDES } from "./catalog-others.js";

/** Every client with a guide, in the order shown to people (today's clients first, then the seed's legacy ones). */
export const CLIENT_GUIDES: readonly ClientGuide[] = [
  MICROSOFT_GUIDES.find((g) => g.id === "outlook")!,
  MICROSOFT_GUIDES.find((g) => g.id === "outlook-classic")!,
  ...OTHER_GUIDES,
  MICROSOFT_GUIDES.find((g) => g.id === "windows-mail")!,
  ...MICROSOFT_GUIDES.filter((g) => g.legacy),
];
export const CLIENT_IDS = CLIENT_GUIDES.map((g) => g.id);

/** A piece of step text; `value` pieces are the person's own settings (shown in bold, escaped). */
export interface Segment {
  text: string;
  value?: boolean;
}

export interface GuideRow {
  label: string;
  value: string;
}

export interface Guide {
  lang: Lang;
  clientId: string;
  clientName: string;
  platform: string;
  email: string;
  title: string;
  /** "Automatic setup" paragraph, said first; null when this client cannot set itself up for this address. */
  automatic: { kind: AutomaticKind; segments: Segment[] } | null;
  steps: Segment[][];
  incoming: GuideRow[];
  outgoing: GuideRow[];
  /** Plain text of every value, for the "copy settings" block. */
  copyText: string;
  warnings: string[];
  notes: string[];
  /** Where the values come from and how sure they are. */
  sourceLine: string;
  mobileconfigUrl: string | null;
}

const LEGACY_SECURITY: Record<SecurityMode, Bilingual> = {
  tls: { fr: "SSL", en: "SSL" },
  starttls: { fr: "SSL (STARTTLS)", en: "SSL (STARTTLS)" },
  none: { fr: "aucune", en: "none" },
};
// Outlook 2007 calls implicit TLS "SSL" and STARTTLS "TLS".
const OUTLOOK_2007_SECURITY: Record<SecurityMode, Bilingual> = {
  tls: { fr: "SSL", en: "SSL" },
  starttls: { fr: "TLS", en: "TLS" },
  none: { fr: "Aucun", en: "None" },
};

function securityLabel(client: ClientGuide, security: SecurityMode, lang: Lang): string {
  if (client.id === "outlook-2007") return OUTLOOK_2007_SECURITY[security][lang];
  if (client.legacy) return LEGACY_SECURITY[security][lang];
  return SECURITY_LABEL[security][lang];
}

const SOURCE_TEXT: Record<DiscoverySource, Bilingual> = {
  admin: {
    fr: "domaine géré par votre administrateur (certitude élevée)",
    en: "domain managed by your administrator (high confidence)",
  },
  provider: {
    fr: "base des fournisseurs connus (certitude élevée)",
    en: "known providers database (high confidence)",
  },
  autoconfig: {
    fr: "fichier de configuration publié par le domaine (certitude élevée)",
    en: "configuration file published by the domain (high confidence)",
  },
  srv: {
    fr: "enregistrements DNS SRV du domaine (certitude moyenne)",
    en: "the domain's DNS SRV records (medium confidence)",
  },
  mx: {
    fr: "hébergeur reconnu d'après les serveurs MX (certitude moyenne)",
    en: "host recognised from the MX servers (medium confidence)",
  },
  probe: {
    fr: "serveurs qui ont répondu à un test (certitude faible : faites-les confirmer)",
    en: "servers that answered a test (low confidence: have them confirmed)",
  },
};

const PROVIDER_SIGN_IN = new Set(["gmail", "google-workspace", "outlook", "microsoft-365"]);

/** Whether the client's automatic path can work for this address. */
function automaticApplies(
  kind: AutomaticKind,
  discovery: DiscoveryResult,
  mobileconfigUrl: string | null,
): boolean {
  if (kind === "mobileconfig") return mobileconfigUrl !== null;
  if (kind === "provider-sign-in")
    return discovery.provider !== null && PROVIDER_SIGN_IN.has(discovery.provider.id);
  if (kind === "autodiscover") return discovery.source === "admin" || discovery.provider !== null;
  // Thunderbird: the admin's domain (served here), a provider in Mozilla's ISPDB, the domain's own file, a hosted MX.
  return discovery.source !== "probe" && discovery.source !== "srv";
}

function fill(template: string, values: Record<string, string>): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const key = match[1]!;
    if (!(key in values)) continue;
    if (match.index > last) segments.push({ text: template.slice(last, match.index) });
    segments.push({ text: values[key]!, value: true });
    last = match.index + match[0].length;
  }
  if (last < template.length) segments.push({ text: template.slice(last) });
  return segments;
}

export function guideClient(clientId: string): ClientGuide {
  const client = CLIENT_GUIDES.find((g) => g.id === clientId);
  if (!client) throw new FacteurError("GUIDE_CLIENT_UNKNOWN", { meta: { clientId, known: CLIENT_IDS } });
  return client;
}

export interface GuideInput {
  clientId: string;
  lang: Lang;
  discovery: DiscoveryResult;
  /** URL of this address's .mobileconfig, when Facteur serves its domain. */
  mobileconfigUrl?: string | null;
  /** Force POP3 (or IMAP) when the settings offer both. */
  incomingProtocol?: IncomingProtocol;
}

/** The guide for one person and one client, with their own values; renderers turn it into HTML or PDF. */
export function buildGuide(input: GuideInput): Guide {
  const client = guideClient(input.clientId);
  const { discovery, lang } = input;
  const settings = discovery.settings;
  if (!settings || !discovery.source)
    throw new FacteurError("MAIL_SETTINGS_NOT_FOUND", { meta: { email: discovery.email } });
  const incoming: ServerSettings | undefined =
    (input.incomingProtocol && settings.incoming.find((s) => s.protocol === input.incomingProtocol)) ||
    settings.incoming[0];
  const outgoing = settings.outgoing[0];
  if (!incoming || !outgoing)
    throw new FacteurError("MAIL_SETTINGS_NOT_FOUND", { meta: { email: discovery.email } });
  const email = discovery.email;
  const values: Record<string, string> = {
    email,
    domain: settings.domain,
    displayName: settings.displayName,
    inType: PROTOCOL_LABEL[incoming.protocol],
    inHost: incoming.host,
    inPort: String(incoming.port),
    inSecurity: securityLabel(client, incoming.security, lang),
    inUser: loginFor(incoming.username, email),
    inAuth: AUTH_LABEL[incoming.authentication][lang],
    outHost: outgoing.host,
    outPort: String(outgoing.port),
    outSecurity: securityLabel(client, outgoing.security, lang),
    outUser: loginFor(outgoing.username, email),
    outAuth: AUTH_LABEL[outgoing.authentication][lang],
  };
  const mobileconfigUrl = input.mobileconfigUrl ?? null;
  const automatic =
    client.automatic && automaticApplies(client.automatic.kind, discovery, mobileconfigUrl)
      ? { kind: client.automatic.kind, segments: fill(client.automatic.text[lang], values) }
      : null;
  const L = (fr: string, en: string) => (lang === "fr" ? fr : en);
  const rows = (s: ServerSettings, prefix: "in" | "out"): GuideRow[] => [
    { label: L("Type", "Type"), value: PROTOCOL_LABEL[s.protocol] },
    { label: L("Serveur", "Server"), value: values[`${prefix}Host`]! },
    { label: L("Port", "Port"), value: values[`${prefix}Port`]! },
    { label: L("Sécurité", "Security"), value: SECURITY_LABEL[s.security][lang] },
    { label: L("Nom d'utilisateur", "Username"), value: values[`${prefix}User`]! },
    { label: L("Authentification", "Authentication"), value: values[`${prefix}Auth`]! },
  ];
  const incomingRows = rows(incoming, "in");
  const outgoingRows = rows(outgoing, "out");
  const copyText = [
    `${L("Adresse", "Address")}: ${email}`,
    `${L("Serveur entrant", "Incoming server")} (${values.inType}): ${values.inHost}:${values.inPort} ${SECURITY_LABEL[incoming.security][lang]}`,
    `${L("Identifiant entrant", "Incoming username")}: ${values.inUser}`,
    `${L("Serveur sortant", "Outgoing server")} (SMTP): ${values.outHost}:${values.outPort} ${SECURITY_LABEL[outgoing.security][lang]}`,
    `${L("Identifiant sortant", "Outgoing username")}: ${values.outUser}`,
    `${L("Authentification", "Authentication")}: ${values.inAuth} / ${values.outAuth}`,
  ].join("\n");
  const warnings: string[] = [];
  if (client.legacy) warnings.push(LEGACY_WARNING[lang]);
  if (client.legacy && (incoming.security === "starttls" || outgoing.security === "starttls"))
    warnings.push(STARTTLS_LEGACY_HINT[lang]);
  if (incoming.security === "none" || outgoing.security === "none") {
    warnings.push(
      L(
        "Une connexion sans chiffrement laisse passer le mot de passe en clair.",
        "A connection without encryption sends the password in clear text.",
      ),
    );
  }
  if (discovery.source === "probe") {
    warnings.push(
      L(
        "Ces valeurs ont été devinées : faites-les confirmer par votre fournisseur.",
        "These values were guessed: have your provider confirm them.",
      ),
    );
  }
  const notes = [settings.note?.[lang], client.note?.[lang]].filter((n): n is string => Boolean(n));
  return {
    lang,
    clientId: client.id,
    clientName: client.name,
    platform: client.platform[lang],
    email,
    title: L(`Configurer ${email} dans ${client.name}`, `Set up ${email} in ${client.name}`),
    automatic,
    steps: client.steps.map((s) => fill(s[lang], values)),
    incoming: incomingRows,
    outgoing: outgoingRows,
    copyText,
    warnings,
    notes,
    sourceLine: `${L("Origine des réglages :", "Where the settings come from:")} ${SOURCE_TEXT[discovery.source][lang]}`,
    mobileconfigUrl,
  };
}
