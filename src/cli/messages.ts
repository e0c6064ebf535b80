import type { Lang } from "../domain/errors.js";

/**
 * The texts the CLI prints in French or English, one catalog for every command (the UI's strings live in
 * src/i18n/locales, error texts with their codes in src/domain/codes). `{name}` is replaced by a parameter.
 * Help texts are not here: they are written once in both languages ("fr / en") beside each option.
 */
const fr = {
  "error.prefix": "Erreur",
  "migrate.upToDate": "Schéma à jour.",
  "admin.created": "Administrateur créé : {email}",
  "apikeys.created": "Portées : {scopes}. Conservez cette clé : elle ne sera plus affichée.",
  "apikeys.revoked": "Clé révoquée.",
  "secrets.keyFromEnv":
    "La clé vient de FACTEUR_SECRET_KEY : fournissez la nouvelle dans FACTEUR_NEW_SECRET_KEY (openssl rand -base64 32).",
  "secrets.rotated": "Nouvelle clé {keyId} ; {count} secret(s) rechiffré(s).",
  "secrets.replaceEnv": " Remplacez maintenant FACTEUR_SECRET_KEY par la nouvelle clé.",
  "secrets.unreadable":
    "{count} mot(s) de passe ne correspondent plus aux réglages de leur serveur (modifiés hors de Facteur) et n'ont pas pu être rechiffrés : saisissez-les à nouveau (serveurs {ids}).",
  "backup.done": "Sauvegarde {dialect} : {file} ({bytes} octets)",
  "backup.keyCopied": "Clé copiée dans {file} : rangez-la ailleurs que la sauvegarde.",
  "backup.keyNotIncluded": "La clé de chiffrement n'est pas incluse : sauvegardez {key} séparément.",
  "restore.done": "Restauration terminée. Redémarrez Facteur.",
  "confirm.sent": "Mail de confirmation envoyé à {to} (lien valable jusqu'au {expiresAt}).",
  "servers.saved": "Serveur #{id} enregistré (version {version}).",
  "servers.page": "\n{count} sur {total} serveur(s), page {page}",
  "servers.password": "Mot de passe",
  "servers.passwordStored": "enregistré (jamais affiché)",
  "servers.deleted": "Serveur #{id} supprimé.",
  "departments.name": "Nom",
  "departments.servers": "Serveurs",
  "departments.deleted": "Service supprimé.",
  "export.outputRequired": "Fichier binaire : indiquez --output <fichier> ou redirigez la sortie.",
  "export.done": "{total} serveur(s) exporté(s) vers {file}",
  "export.progress": "Export : {rows} / {total} serveurs ({percent} %)",
  "send.queued": "Message {id} mis en file : {status}",
  "send.duplicate": "Message {id} déjà en file (même clé d'idempotence) : {status}",
  "worker.processed": "{count} message(s) traité(s)",
  "messages.recipients": "Destinataires",
  "messages.subject": "Objet",
  "messages.server": "Serveur",
  "messages.tries": "Essais",
  "messages.lastError": "Dernière erreur",
  "messages.outcome": "Résultat",
  "messages.stage": "Étape",
  "messages.reply": "Réponse SMTP",
  "domains.name": "Domaine",
  "domains.incoming": "Entrant",
  "domains.outgoing": "Sortant",
  "domains.added": "Domaine ajouté : {name} (id {id})",
  "domains.removed": "Domaine supprimé : {name}",
  "dns.notHostName": "! FACTEUR_PUBLIC_URL n'est pas un nom d'hôte : remplacez facteur.example.net.",
  "dns.wanted": "Attendu",
  "dns.published": "Publié",
  "discover.source": "Source",
  "discover.confidence": "certitude",
  "discover.confidence.high": "élevée",
  "discover.confidence.medium": "moyenne",
  "discover.confidence.low": "faible",
  "discover.protocol": "Protocole",
  "discover.server": "Serveur",
  "discover.security": "Sécurité",
  "discover.username": "Identifiant",
  "discover.authentication": "Authentification",
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  "error.prefix": "Error",
  "migrate.upToDate": "Schema up to date.",
  "admin.created": "Admin created: {email}",
  "apikeys.created": "Scopes: {scopes}. Keep this key: it will not be shown again.",
  "apikeys.revoked": "Key revoked.",
  "secrets.keyFromEnv":
    "The key comes from FACTEUR_SECRET_KEY: give the new one in FACTEUR_NEW_SECRET_KEY (openssl rand -base64 32).",
  "secrets.rotated": "New key {keyId}; {count} secret(s) re-encrypted.",
  "secrets.replaceEnv": " Now replace FACTEUR_SECRET_KEY with the new key.",
  "secrets.unreadable":
    "{count} password(s) no longer match their server's settings (changed outside Facteur) and could not be re-encrypted: enter them again (servers {ids}).",
  "backup.done": "{dialect} backup: {file} ({bytes} bytes)",
  "backup.keyCopied": "Key copied to {file}: store it apart from the backup.",
  "backup.keyNotIncluded": "The encryption key is not included: back up {key} separately.",
  "restore.done": "Restore complete. Restart Facteur.",
  "confirm.sent": "Confirmation mail sent to {to} (link valid until {expiresAt}).",
  "servers.saved": "Server #{id} saved (version {version}).",
  "servers.page": "\n{count} of {total} server(s), page {page}",
  "servers.password": "Password",
  "servers.passwordStored": "stored (never shown)",
  "servers.deleted": "Server #{id} deleted.",
  "departments.name": "Name",
  "departments.servers": "Servers",
  "departments.deleted": "Department deleted.",
  "export.outputRequired": "Binary file: give --output <file> or redirect the output.",
  "export.done": "{total} server(s) exported to {file}",
  "export.progress": "Export: {rows} / {total} servers ({percent}%)",
  "send.queued": "Message {id} queued: {status}",
  "send.duplicate": "Message {id} already queued (same idempotency key): {status}",
  "worker.processed": "{count} message(s) processed",
  "messages.recipients": "Recipients",
  "messages.subject": "Subject",
  "messages.server": "Server",
  "messages.tries": "Tries",
  "messages.lastError": "Last error",
  "messages.outcome": "Outcome",
  "messages.stage": "Stage",
  "messages.reply": "SMTP reply",
  "domains.name": "Domain",
  "domains.incoming": "Incoming",
  "domains.outgoing": "Outgoing",
  "domains.added": "Domain added: {name} (id {id})",
  "domains.removed": "Domain removed: {name}",
  "dns.notHostName": "! FACTEUR_PUBLIC_URL is not a host name: replace facteur.example.net.",
  "dns.wanted": "Wanted",
  "dns.published": "Published",
  "discover.source": "Source",
  "discover.confidence": "confidence",
  "discover.confidence.high": "high",
  "discover.confidence.medium": "medium",
  "discover.confidence.low": "low",
  "discover.protocol": "Protocol",
  "discover.server": "Server",
  "discover.security": "Security",
  "discover.username": "Username",
  "discover.authentication": "Authentication",
};

export const CATALOG: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { fr, en };

/** Language of CLI messages: FACTEUR_LANG, then LANG (fr_FR… → fr), default fr. */
export function cliLang(): Lang {
  const raw = (process.env.FACTEUR_LANG ?? process.env.LANG ?? "fr").toLowerCase();
  return raw.startsWith("en") ? "en" : "fr";
}

/** The text of `key` in `lang` (default: the CLI language) with each `{name}` replaced by `params[name]`. */
export function t(
  key: MessageKey,
  params: Readonly<Record<string, string | number>> = {},
  lang: Lang = cliLang(),
): string {
  return CATALOG[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
