import type { Lang } from "../domain/errors.js";

/** The seed's warning, shown after sending ("regardez dans vos indésirables"). */
export const SPAM_NOTICE = {
  fr: "Mail de confirmation envoyé. ATTENTION ! Si vous n'avez rien reçu, pensez à regarder dans vos indésirables.",
  en: "Confirmation mail sent. WARNING! If nothing arrives, look in your spam (junk) folder.",
} as const;

export interface ConfirmationMailFields {
  title: string;
  host: string;
  port: number;
  link: string;
  expiresAt: Date;
}

function formatDate(date: Date, lang: Lang): string {
  return (
    new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", {
      dateStyle: "long",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(date) + " UTC"
  );
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Subject, text and HTML of the confirmation mail in one language. */
export function confirmationMail(
  fields: ConfirmationMailFields,
  lang: Lang,
): { subject: string; text: string; html: string } {
  const when = formatDate(fields.expiresAt, lang);
  const server = `${fields.host}:${fields.port}`;
  const t =
    lang === "fr"
      ? {
          subject: `Confirmez le serveur d'envoi « ${fields.title} »`,
          intro: `Ce message a été envoyé par Facteur à travers le serveur SMTP « ${fields.title} » (${server}) pour vérifier qu'il fonctionne et que cette adresse reçoit son courrier.`,
          action: "Pour confirmer le serveur, ouvrez ce lien puis cliquez sur « Confirmer » :",
          button: "Confirmer le serveur",
          expiry: `Ce lien ne sert qu'une fois et expire le ${when}.`,
          ignore: "Si vous n'êtes pas à l'origine de cette demande, ignorez simplement ce message.",
        }
      : {
          subject: `Confirm the sending server "${fields.title}"`,
          intro: `Facteur sent this message through the SMTP server "${fields.title}" (${server}) to check that it works and that this address receives its mail.`,
          action: 'To confirm the server, open this link and click "Confirm":',
          button: "Confirm the server",
          expiry: `This link works once and expires on ${when}.`,
          ignore: "If you did not ask for this, just ignore this message.",
        };
  const text = [t.intro, "", t.action, fields.link, "", t.expiry, t.ignore].join("\n");
  const html = [
    `<p>${escapeHtml(t.intro)}</p>`,
    `<p>${escapeHtml(t.action)}</p>`,
    `<p><a href="${escapeHtml(fields.link)}" style="display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(t.button)}</a></p>`,
    `<p style="font-size:small">${escapeHtml(fields.link)}</p>`,
    `<p>${escapeHtml(t.expiry)}<br>${escapeHtml(t.ignore)}</p>`,
  ].join("\n");
  return { subject: t.subject, text, html };
}

/** What a confirmation link can find. */
export type LinkState = "valid" | "confirmed" | "used" | "expired" | "stale" | "unknown";

const PAGE_TEXT: Record<
  Lang,
  Record<LinkState, { title: string; body: string }> & { confirm: string; lang: string }
> = {
  fr: {
    lang: "fr",
    confirm: "Confirmer",
    valid: {
      title: "Confirmer le serveur d'envoi",
      body: "Cliquez sur « Confirmer » pour valider le serveur SMTP « {title} » ({host}). Facteur pourra ensuite l'utiliser pour envoyer.",
    },
    confirmed: {
      title: "Serveur confirmé",
      body: "Merci : le serveur SMTP « {title} » est confirmé. Vous pouvez fermer cette page.",
    },
    used: {
      title: "Lien déjà utilisé",
      body: "Ce lien de confirmation a déjà servi. Si le serveur n'apparaît pas comme confirmé, renvoyez un mail de confirmation depuis la liste des serveurs.",
    },
    expired: {
      title: "Lien expiré",
      body: "Ce lien de confirmation a expiré. Renvoyez un mail de confirmation depuis la liste des serveurs (icône « Lien(s) »).",
    },
    stale: {
      title: "Réglages modifiés depuis l'envoi",
      body: "Les réglages de ce serveur (hôte, port, sécurité, utilisateur, mot de passe ou adresse) ont changé depuis l'envoi de ce lien. Renvoyez un mail de confirmation pour valider les nouveaux réglages.",
    },
    unknown: {
      title: "Lien inconnu",
      body: "Ce lien de confirmation n'existe pas. Vérifiez qu'il a été copié en entier, ou renvoyez un mail de confirmation.",
    },
  },
  en: {
    lang: "en",
    confirm: "Confirm",
    valid: {
      title: "Confirm the sending server",
      body: 'Click "Confirm" to validate the SMTP server "{title}" ({host}). Facteur can then use it to send.',
    },
    confirmed: {
      title: "Server confirmed",
      body: 'Thank you: the SMTP server "{title}" is confirmed. You can close this page.',
    },
    used: {
      title: "Link already used",
      body: "This confirmation link was already used. If the server does not show as confirmed, send a new confirmation mail from the server list.",
    },
    expired: {
      title: "Link expired",
      body: 'This confirmation link has expired. Send a new confirmation mail from the server list (the "Links" icon).',
    },
    stale: {
      title: "Settings changed since sending",
      body: "This server's settings (host, port, security, user, password or address) changed after this link was sent. Send a new confirmation mail to validate the new settings.",
    },
    unknown: {
      title: "Unknown link",
      body: "This confirmation link does not exist. Check that it was copied in full, or send a new confirmation mail.",
    },
  },
};

/** A self-contained HTML page (no script, inline style) for a link state; `action` adds the confirm button. */
export function linkPage(
  state: LinkState,
  lang: Lang,
  server: { title: string; host: string } | null,
  action?: string,
): string {
  const text = PAGE_TEXT[lang];
  const { title, body } = text[state];
  const filled = body
    .replace("{title}", escapeHtml(server?.title ?? ""))
    .replace("{host}", escapeHtml(server?.host ?? ""));
  const ok = state === "valid" || state === "confirmed";
  const form = action
    ? `<form method="post" action="${escapeHtml(action)}"><button type="submit">${escapeHtml(text.confirm)}</button></form>`
    : "";
  return `<!doctype html>
<html lang="${text.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · Facteur</title>
<style>
body{font-family:system-ui,sans-serif;background:#f5f6f8;color:#1f2933;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;max-width:32rem;margin:1rem;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.1);border-top:6px solid ${ok ? "#15803d" : "#b45309"}}
h1{font-size:1.4rem;margin-top:0}
button{font-size:1rem;padding:.6rem 1.4rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;cursor:pointer}
</style>
</head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p>${filled}</p>
${form}
</main></body>
</html>`;
}
