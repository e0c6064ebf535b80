/**
 * What a guide is made of. Step texts are templates: `{name}` is replaced by the person's own value
 * (escaped by the renderer), so the same catalogue serves HTML, PDF and the CLI.
 *
 * Values available in templates:
 *   {email} {inType} {inHost} {inPort} {inSecurity} {inUser} {outHost} {outPort} {outSecurity} {outUser}
 *   {inAuth} {outAuth} {domain} {displayName}
 */
export interface Bilingual {
  fr: string;
  en: string;
}

export const AUTOMATIC_KINDS = ["autoconfig", "autodiscover", "mobileconfig", "provider-sign-in"] as const;
export type AutomaticKind = (typeof AUTOMATIC_KINDS)[number];

export interface ClientGuide {
  id: string;
  name: string;
  platform: Bilingual;
  /** How the client can configure itself, said first in the guide; absent for manual-only clients. */
  automatic?: { kind: AutomaticKind; text: Bilingual };
  /** Manual steps, in order. */
  steps: Bilingual[];
  /** Old clients: TLS 1.0 at best, no OAuth2; say so plainly. */
  legacy?: boolean;
  /** A note shown after the steps. */
  note?: Bilingual;
}

export const LEGACY_WARNING: Bilingual = {
  fr: "Ce logiciel n'est plus mis à jour : il ne connaît souvent que d'anciennes versions de TLS que beaucoup de serveurs refusent désormais. Si la connexion échoue malgré ces réglages, passez à Thunderbird ou à une version récente d'Outlook.",
  en: "This client is no longer updated: it often only knows old TLS versions that many servers now refuse. If the connection fails despite these settings, move to Thunderbird or a recent Outlook.",
};

export const STARTTLS_LEGACY_HINT: Bilingual = {
  fr: "Ce logiciel ne sait pas toujours négocier STARTTLS : si l'envoi ou la réception échoue, demandez à votre fournisseur un port SSL/TLS (993, 995 ou 465).",
  en: "This client cannot always negotiate STARTTLS: if sending or receiving fails, ask your provider for an SSL/TLS port (993, 995 or 465).",
};
