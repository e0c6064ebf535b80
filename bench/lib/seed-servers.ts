import type { AppContext } from "../../src/app/context.js";
import { DEFAULT_PORTS, type AuthMethod, type SecurityMode } from "../../src/domain/ports.js";
import { LEGACY_SERVER_PASSWORD_AAD } from "../../src/secrets/server-password.js";
import { foldForSearch } from "../../src/registry/search-text.js";
import type { SmtpServerTable } from "../../src/store/schema.js";
import type { Insertable } from "kysely";

/** Rows per INSERT: 25 columns × 400 = 10,000 bound values, under SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 400;
/** INSERTs per transaction: one fsync per ~10,000 rows instead of one per row. */
const INSERTS_PER_TRANSACTION = 25;

export const SEED_DEPARTMENTS = [
  "Achat",
  "Vente",
  "Production",
  "Comptabilité",
  "Ressources humaines",
  "Logistique",
];

const ORGANISATIONS = [
  "Mairie de Besançon",
  "Crèche Les Écureuils",
  "Boulangerie Dupré",
  "Cabinet Lefèvre & Associés",
  "Garage Martin",
  "Clinique Vétérinaire du Lac",
  "Lycée Jean-Jaurès",
  "Coopérative Agricole de l'Aube",
  "Pharmacie Centrale",
  "Hôtel du Commerce",
  "Atelier Méca Précision",
  "Association Sportive Saint-Étienne",
  "Brasserie L'Écluse",
  "Notaires du Léman",
  "Imprimerie Moderne",
  "Transports Rousseau",
];
const PURPOSES = [
  "Facturation",
  "Newsletter",
  "Support",
  "Alertes",
  "Commandes",
  "Relances",
  "RH",
  "Direction",
];
const PROVIDERS: Array<{ host: string; domain: string }> = [
  { host: "smtp.orange.fr", domain: "orange.fr" },
  { host: "smtp.free.fr", domain: "free.fr" },
  { host: "ssl0.ovh.net", domain: "ovh.net" },
  { host: "smtp.gandi.net", domain: "gandi.net" },
  { host: "smtp.office365.com", domain: "outlook.fr" },
  { host: "smtp.gmail.com", domain: "gmail.com" },
  { host: "in-v3.mailjet.com", domain: "mailjet.com" },
  { host: "smtp.sendgrid.net", domain: "sendgrid.net" },
  { host: "smtp.ionos.fr", domain: "ionos.fr" },
  { host: "smtp.laposte.net", domain: "laposte.net" },
];
const FIRST_NAMES = [
  "camille",
  "léa",
  "hugo",
  "chloé",
  "lucas",
  "inès",
  "théo",
  "zoé",
  "noé",
  "anaïs",
  "jérôme",
];
const SECURITY: SecurityMode[] = ["starttls", "starttls", "starttls", "tls", "tls", "none"];
const AUTH: AuthMethod[] = ["password", "password", "password", "encrypted_password", "oauth2", "none"];

/** Small deterministic PRNG (mulberry32): the same seed gives the same table on both databases. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slug(value: string): string {
  return foldForSearch(value)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

/** One realistic, varied server row; `n` makes titles, hosts and mailboxes distinct. */
function serverRow(
  n: number,
  next: () => number,
  passwordEnvelope: string,
  now: string,
): { row: Insertable<SmtpServerTable>; departments: number[] } {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const organisation = pick(ORGANISATIONS);
  const purpose = pick(PURPOSES);
  const provider = pick(PROVIDERS);
  const ownDomain = next() < 0.5;
  const domain = ownDomain ? `${slug(organisation)}-${n % 977}.fr` : provider.domain;
  const host = ownDomain ? `mail${n % 7}.${domain}` : provider.host;
  const security = pick(SECURITY);
  const authentication = security === "none" ? "none" : pick(AUTH);
  const local = `${pick(FIRST_NAMES)}.${slug(purpose)}${n}`;
  const mail = `${foldForSearch(local)}@${domain}`;
  const username = authentication === "none" ? "-" : next() < 0.7 ? mail : `u${n}-${slug(organisation)}`;
  const title = `${organisation} – ${purpose} ${n}`;
  const senderName = `${organisation} (${purpose})`;
  const state = next();
  const departments =
    next() < 0.2 ? [...new Set([1 + Math.floor(next() * 6), 1 + Math.floor(next() * 6)])] : [];
  return {
    departments,
    row: {
      title,
      host,
      port: DEFAULT_PORTS.smtp[security],
      authentication,
      security,
      mail,
      sender_name: senderName,
      username,
      password_enc: authentication === "none" ? null : passwordEnvelope,
      usage_mode: departments.length > 0 ? "custom" : "all",
      signature_html: `<p>${senderName}</p>`,
      logo_mime: null,
      logo_base64: null,
      priority: 100,
      confirmation_sent_at: state < 0.3 ? null : now,
      confirmed_at: state < 0.6 ? null : now,
      confirmed_ip: null,
      last_test_ok: null,
      last_test_code: null,
      last_test_at: null,
      search_text: foldForSearch([title, host, mail, username, senderName].join("\u0001")),
      version: 1,
      created_at: now,
      updated_at: now,
    },
  };
}

/**
 * Inserts `count` servers straight into the tables (bulk INSERTs in transactions, bypassing the service's
 * one-transaction-per-server path) with the same columns the service writes, `search_text` included.
 * Creates the seed departments first when they are missing. Returns the number of rows inserted.
 */
export async function seedServers(ctx: AppContext, count: number, seed = 42): Promise<number> {
  const now = ctx.now().toISOString();
  const next = random(seed);
  // A placeholder (these servers are listed and exported, never used): not bound to any row, so it would
  // answer SERVER_PASSWORD_REENTRY_REQUIRED if something tried to use it.
  const passwordEnvelope = ctx.keyring.encrypt("Bench!Passw0rd-not-used", LEGACY_SERVER_PASSWORD_AAD);
  for (const name of SEED_DEPARTMENTS) {
    const key = foldForSearch(name);
    const exists = await ctx.db
      .selectFrom("departments")
      .select("id")
      .where("name_key", "=", key)
      .executeTakeFirst();
    if (!exists) {
      await ctx.db
        .insertInto("departments")
        .values({ name, name_key: key, created_at: now, updated_at: now })
        .execute();
    }
  }
  const departmentIds = (await ctx.db.selectFrom("departments").select("id").orderBy("id").execute()).map(
    (d) => d.id,
  );
  let inserted = 0;
  while (inserted < count) {
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < INSERTS_PER_TRANSACTION && inserted < count; i += 1) {
        const size = Math.min(ROWS_PER_INSERT, count - inserted);
        const batch = Array.from({ length: size }, (_, k) =>
          serverRow(inserted + k + 1, next, passwordEnvelope, now),
        );
        const ids = await trx
          .insertInto("smtp_servers")
          .values(batch.map((b) => b.row))
          .returning("id")
          .execute();
        const usage = batch.flatMap((b, k) =>
          b.departments.map((d) => ({
            server_id: ids[k]!.id,
            department_id: departmentIds[(d - 1) % departmentIds.length]!,
          })),
        );
        if (usage.length > 0) await trx.insertInto("smtp_server_departments").values(usage).execute();
        inserted += size;
      }
    });
  }
  return inserted;
}
