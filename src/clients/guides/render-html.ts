import QRCode from "qrcode";
import type { Guide, Segment } from "./guide.js";

/**
 * Printable HTML page of a guide. Every piece of text goes through `escapeHtml`: values come from
 * addresses and admin input, and this page is served from Facteur's own origin.
 */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** QR code of a URL as a PNG data URL (error correction M: survives a printed, slightly crumpled page). */
export function qrDataUrl(url: string): Promise<string> {
  return QRCode.toDataURL(url, { errorCorrectionLevel: "M", margin: 1, width: 220 });
}

function segments(parts: Segment[]): string {
  return parts
    .map((p) => (p.value ? `<strong class="v">${escapeHtml(p.text)}</strong>` : escapeHtml(p.text)))
    .join("");
}

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;max-width:52rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.platform,.source{color:#555;margin:0}.auto{background:#eef6ee;border-left:4px solid #2e7d32;padding:.75rem 1rem}
.warn{background:#fff4e5;border-left:4px solid #b26a00;padding:.5rem 1rem}.note{background:#eef3fb;border-left:4px solid #1f5fbf;padding:.5rem 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}th{width:40%;font-weight:600}
.v{font-family:ui-monospace,Consolas,monospace;background:#f3f3f3;padding:0 .2rem;border-radius:3px}
.settings{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}ol li{margin:.4rem 0}
textarea{width:100%;font:14px ui-monospace,Consolas,monospace;box-sizing:border-box}
.qr{display:flex;flex-wrap:wrap;gap:1rem;align-items:center}a,.v,td{overflow-wrap:anywhere}.qr img{width:160px;height:160px}
@media print{body{margin:0;max-width:none}.noprint{display:none}textarea{border:1px solid #999;resize:none}a{color:inherit}}
`;

export async function renderGuideHtml(guide: Guide): Promise<string> {
  const L = (fr: string, en: string) => (guide.lang === "fr" ? fr : en);
  const table = (title: string, rows: Guide["incoming"]) =>
    `<section><h2>${escapeHtml(title)}</h2><table>${rows
      .map(
        (r) =>
          `<tr><th scope="row">${escapeHtml(r.label)}</th><td class="v">${escapeHtml(r.value)}</td></tr>`,
      )
      .join("")}</table></section>`;
  const qr = guide.mobileconfigUrl
    ? `<section class="qr"><img alt="${escapeHtml(L("QR code du profil de configuration", "QR code of the configuration profile"))}" src="${await qrDataUrl(guide.mobileconfigUrl)}"><p>${escapeHtml(
        L(
          "Sur iPhone, iPad ou Mac : scannez ce code ou ouvrez",
          "On iPhone, iPad or Mac: scan this code or open",
        ),
      )} <a href="${escapeHtml(guide.mobileconfigUrl)}">${escapeHtml(guide.mobileconfigUrl)}</a></p></section>`
    : "";
  // For iPhone/iPad/Mac guides the profile *is* the automatic setup: right after it. Elsewhere it is a
  // bonus for the person's phone: after the steps.
  const qrFirst = guide.automatic?.kind === "mobileconfig";
  const automatic = guide.automatic
    ? `<section class="auto"><h2>${escapeHtml(L("Configuration automatique", "Automatic setup"))}</h2><p>${segments(guide.automatic.segments)}</p></section>`
    : "";
  const list = (items: string[], cls: string) =>
    items.map((w) => `<p class="${cls}">${escapeHtml(w)}</p>`).join("");
  return `<!doctype html>
<html lang="${guide.lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(guide.title)}</title><style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(guide.title)}</h1><p class="platform">${escapeHtml(guide.platform)}</p><p class="source">${escapeHtml(guide.sourceLine)}</p></header>
${automatic}
${qrFirst ? qr : ""}
${list(guide.warnings, "warn")}
<div class="settings">${table(L("Serveur entrant", "Incoming server"), guide.incoming)}${table(L("Serveur sortant (SMTP)", "Outgoing server (SMTP)"), guide.outgoing)}</div>
<section><h2>${escapeHtml(guide.automatic ? L("Configuration manuelle", "Manual setup") : L("Étapes", "Steps"))}</h2>
<ol>${guide.steps.map((s) => `<li>${segments(s)}</li>`).join("")}</ol></section>
${list(guide.notes, "note")}
${qrFirst ? "" : qr}
<section><h2>${escapeHtml(L("Copier les réglages", "Copy the settings"))}</h2>
<textarea readonly rows="8" aria-label="${escapeHtml(L("Réglages à copier", "Settings to copy"))}">${escapeHtml(guide.copyText)}</textarea></section>
<p class="noprint"><small>${escapeHtml(L("Imprimez cette page (Ctrl+P) pour la garder à côté de vous.", "Print this page (Ctrl+P) to keep it at hand."))}</small></p>
</body></html>`;
}
