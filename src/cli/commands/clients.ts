import { readFileSync, writeFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import type { AppContext } from "../../app/context.js";
import { FacteurError, type Lang } from "../../domain/errors.js";
import { normalizeHost } from "../../domain/host.js";
import type { SecurityMode } from "../../domain/ports.js";
import { createMailResolver } from "../../clients/discovery/dns.js";
import { discoverSettings } from "../../clients/discovery/discover.js";
import { discoveryDeps } from "../../clients/discovery/deps.js";
import {
  checkPublishedRecords,
  facteurHostOf,
  recordsToPublish,
  zoneFileLines,
} from "../../clients/dns-helper.js";
import type { MailDomainView } from "../../clients/domains/domain.schema.js";
import {
  createDomain,
  deleteDomain,
  findDomainByName,
  getDomain,
  listDomains,
} from "../../clients/domains/domain.service.js";
import { CLIENT_IDS } from "../../clients/guides/guide.js";
import { renderGuideHtml } from "../../clients/guides/render-html.js";
import { renderGuidePdf } from "../../clients/guides/render-pdf.js";
import { renderGuideText } from "../../clients/guides/render-text.js";
import { guideForAddress } from "../../clients/guides/service.js";
import { PROTOCOL_LABEL, SECURITY_LABEL, usernameFormOf } from "../../clients/model.js";
import { action, cliLang, EXIT, printTable, readStdin, withContext } from "../runtime.js";
import { ID_MAX } from "../../domain/id.js";

const IMPLICIT_TLS_PORTS = new Set([993, 995, 465]);
const CONFIDENCE_LABEL = {
  high: { fr: "élevée", en: "high" },
  medium: { fr: "moyenne", en: "medium" },
  low: { fr: "faible", en: "low" },
} as const;

function language(value: string): Lang {
  if (value !== "fr" && value !== "en") throw new InvalidArgumentError("fr | en");
  return value;
}

/** `host[:port]` → server input; security from the port (993/995/465 implicit TLS, others STARTTLS). */
function hostPort(value: string): { host: string; port?: number; security: SecurityMode } {
  const match = /^(.+?)(?::(\d{1,5}))?$/.exec(value.trim());
  const host = match?.[1] ? normalizeHost(match[1]) : null;
  if (!match || !host) throw new InvalidArgumentError(`host[:port] attendu / expected: ${value}`);
  if (!match[2]) return { host, security: "tls" };
  const port = Number(match[2]);
  return { host, port, security: IMPLICIT_TLS_PORTS.has(port) ? "tls" : "starttls" };
}

function collect<T>(parse: (v: string) => T) {
  return (value: string, previous: T[] = []) => [...previous, parse(value)];
}

async function findDomain(ctx: AppContext, ref: string): Promise<MailDomainView> {
  if (/^\d+$/.test(ref) && Number(ref) <= ID_MAX) return getDomain(ctx, Number(ref));
  const found = await findDomainByName(ctx, normalizeHost(ref) ?? ref);
  if (!found) throw new FacteurError("MAIL_DOMAIN_NOT_FOUND", { meta: { ref } });
  return found;
}

function serverLine(s: MailDomainView["incoming"][number]): string {
  return `${PROTOCOL_LABEL[s.protocol]} ${s.host}:${s.port} ${SECURITY_LABEL[s.security].en} ${s.usernameTemplate}`;
}

function resolverOf(dns: string | undefined) {
  return createMailResolver(dns ? dns.split(",").map((s) => s.trim()) : undefined);
}

interface AddOptions {
  displayName?: string;
  imap?: Array<ReturnType<typeof hostPort>>;
  pop3?: Array<ReturnType<typeof hostPort>>;
  smtp?: Array<ReturnType<typeof hostPort>>;
  username?: string;
  fromJson?: string;
  json?: boolean;
}

function registerDomains(program: Command): void {
  const domains = program
    .command("domains")
    .description("Domaines de messagerie servis en autoconfiguration / mail domains served by autoconfig");

  domains
    .command("list")
    .option("--json", "JSON")
    .action(
      action(async (options: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const items = await listDomains(ctx);
          if (options.json) return console.log(JSON.stringify(items, null, 2));
          printTable(
            items.map((d) => ({
              id: d.id,
              name: d.name,
              incoming: d.incoming.map(serverLine).join(" | "),
              outgoing: d.outgoing.map(serverLine).join(" | "),
            })),
            [
              { key: "id", label: "ID" },
              { key: "name", label: cliLang() === "fr" ? "Domaine" : "Domain" },
              { key: "incoming", label: cliLang() === "fr" ? "Entrant" : "Incoming" },
              { key: "outgoing", label: cliLang() === "fr" ? "Sortant" : "Outgoing" },
            ],
          );
        });
      }),
    );

  domains
    .command("add [name]")
    .description(
      "Ajoute un domaine / add a domain: --imap host[:port] --smtp host[:port] (ou/or --from-json file|-)",
    )
    .option("--display-name <text>", "nom affiché / display name")
    .option("--imap <host[:port]>", "serveur IMAP (répétable / repeatable)", collect(hostPort))
    .option("--pop3 <host[:port]>", "serveur POP3 (répétable / repeatable)", collect(hostPort))
    .option("--smtp <host[:port]>", "serveur SMTP (répétable / repeatable)", collect(hostPort))
    .option("--username <form>", "address | localpart | modèle/template (%EMAILLOCALPART%…)", "address")
    .option("--from-json <file>", "corps JSON complet (- pour stdin) / full JSON body (- for stdin)")
    .option("--json", "JSON")
    .action(
      action(async (name: string | undefined, options: AddOptions) => {
        let body: unknown;
        if (options.fromJson) {
          body = JSON.parse(
            options.fromJson === "-" ? await readStdin() : readFileSync(options.fromJson, "utf8"),
          );
        } else {
          const form =
            options.username === "address" || options.username === "localpart" ? options.username : "custom";
          const login =
            form === "custom"
              ? { usernameForm: form, usernameTemplate: options.username }
              : { usernameForm: form };
          body = {
            name,
            ...(options.displayName ? { displayName: options.displayName } : {}),
            incoming: [
              ...(options.imap ?? []).map((s) => ({ protocol: "imap", ...s, ...login })),
              ...(options.pop3 ?? []).map((s) => ({ protocol: "pop3", ...s, ...login })),
            ],
            outgoing: (options.smtp ?? []).map((s) => ({ ...s, ...login })),
          };
        }
        await withContext(async (ctx) => {
          const created = await createDomain(ctx, body);
          if (options.json) return console.log(JSON.stringify(created, null, 2));
          console.log(
            cliLang() === "fr"
              ? `Domaine ajouté : ${created.name} (id ${created.id})`
              : `Domain added: ${created.name} (id ${created.id})`,
          );
          for (const w of [...created.incoming, ...created.outgoing].flatMap((s) => s.warnings))
            console.log(`! ${w[cliLang()]}`);
        });
      }),
    );

  domains
    .command("show <domain>")
    .option("--json", "JSON")
    .action(
      action(async (ref: string, options: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const d = await findDomain(ctx, ref);
          if (options.json) return console.log(JSON.stringify(d, null, 2));
          console.log(`${d.name} — ${d.displayName} (id ${d.id}, version ${d.version})`);
          for (const s of [...d.incoming, ...d.outgoing]) {
            console.log(`  ${serverLine(s)} [${s.authentication}, ${usernameFormOf(s.usernameTemplate)}]`);
            for (const w of s.warnings) console.log(`    ! ${w[cliLang()]}`);
          }
        });
      }),
    );

  domains.command("remove <domain>").action(
    action(async (ref: string) => {
      await withContext(async (ctx) => {
        const d = await findDomain(ctx, ref);
        await deleteDomain(ctx, d.id);
        console.log(cliLang() === "fr" ? `Domaine supprimé : ${d.name}` : `Domain removed: ${d.name}`);
      });
    }),
  );

  domains
    .command("dns <domain>")
    .description(
      "Enregistrements DNS à publier / DNS records to publish (--check : ce qui est publié / what is published)",
    )
    .option("--check", "interroger le DNS / query DNS")
    .option("--dns <servers>", "serveurs DNS (ip:port, séparés par des virgules) / DNS servers")
    .option("--json", "JSON")
    .action(
      action(async (ref: string, options: { check?: boolean; dns?: string; json?: boolean }) => {
        await withContext(async (ctx) => {
          const d = await findDomain(ctx, ref);
          const facteurHost = facteurHostOf(ctx.config.publicUrl);
          const records = recordsToPublish(d, facteurHost ?? "facteur.example.net");
          if (!facteurHost) {
            console.error(
              cliLang() === "fr"
                ? "! FACTEUR_PUBLIC_URL n'est pas un nom d'hôte : remplacez facteur.example.net."
                : "! FACTEUR_PUBLIC_URL is not a host name: replace facteur.example.net.",
            );
          }
          if (!options.check) {
            if (options.json) return console.log(JSON.stringify(records, null, 2));
            return console.log(zoneFileLines(records).join("\n"));
          }
          const checked = await checkPublishedRecords(records, resolverOf(options.dns));
          if (options.json) console.log(JSON.stringify(checked, null, 2));
          else
            printTable(
              checked.map((c) => ({
                status: c.status,
                name: c.name,
                type: c.type,
                wanted: c.value,
                found: c.found.join(", "),
              })),
              [
                { key: "status", label: "" },
                { key: "name", label: "Name" },
                { key: "type", label: "Type" },
                { key: "wanted", label: cliLang() === "fr" ? "Attendu" : "Wanted" },
                { key: "found", label: cliLang() === "fr" ? "Publié" : "Published" },
              ],
            );
          if (checked.some((c) => c.status !== "ok")) process.exitCode = EXIT.FAILURE;
        });
      }),
    );
}

export function register(program: Command): void {
  registerDomains(program);

  program
    .command("discover <email>")
    .description("Trouve les réglages d'une adresse / find the settings of an address")
    .option(
      "--probe",
      "tester mail./imap./smtp. si rien d'autre ne répond / probe usual hosts as a last resort",
    )
    .option("--dns <servers>", "serveurs DNS (ip:port, séparés par des virgules) / DNS servers")
    .option("--lang <lang>", "fr | en", language)
    .option("--json", "JSON")
    .action(
      action(
        async (email: string, options: { probe?: boolean; dns?: string; lang?: Lang; json?: boolean }) => {
          const lang = options.lang ?? cliLang();
          await withContext(async (ctx) => {
            const result = await discoverSettings(
              email,
              discoveryDeps(ctx, { probe: options.probe === true, resolver: resolverOf(options.dns) }),
            );
            process.exitCode = result.found ? EXIT.OK : EXIT.NOT_FOUND;
            if (options.json) return console.log(JSON.stringify(result, null, 2));
            const L = (fr: string, en: string) => (lang === "fr" ? fr : en);
            console.log(
              result.steps
                .map((s) => `${s.source}: ${s.outcome}${s.detail ? ` (${s.detail})` : ""}`)
                .join("  ·  "),
            );
            if (!result.settings) return console.log(`\n${result.advice![lang]}`);
            console.log(
              `${L("Source", "Source")}: ${result.source} (${L("certitude", "confidence")} ${CONFIDENCE_LABEL[result.confidence!][lang]})${result.provider ? ` — ${result.provider.name}` : ""}\n`,
            );
            printTable(
              [...result.settings.incoming, ...result.settings.outgoing].map((s) => ({
                protocol: PROTOCOL_LABEL[s.protocol],
                host: s.host,
                port: s.port,
                security: SECURITY_LABEL[s.security][lang],
                username: s.username
                  .replaceAll("%EMAILADDRESS%", result.email)
                  .replaceAll("%EMAILLOCALPART%", result.email.split("@")[0]!),
                auth: s.authentication,
              })),
              [
                { key: "protocol", label: L("Protocole", "Protocol") },
                { key: "host", label: L("Serveur", "Server") },
                { key: "port", label: "Port" },
                { key: "security", label: L("Sécurité", "Security") },
                { key: "username", label: L("Identifiant", "Username") },
                { key: "auth", label: L("Authentification", "Authentication") },
              ],
            );
            if (result.advice) console.log(`\n${result.advice[lang]}`);
          });
        },
      ),
    );

  program
    .command("guide <email>")
    .description("Guide pas à pas pour un logiciel / step-by-step guide for a client")
    .requiredOption("--client <id>", CLIENT_IDS.join(" | "))
    .option("--lang <lang>", "fr | en", language)
    .option("--incoming <protocol>", "imap | pop3")
    .option("--pdf <file>", "écrire un PDF / write a PDF")
    .option("--html <file>", "écrire une page HTML / write an HTML page")
    .option("--dns <servers>", "serveurs DNS / DNS servers")
    .action(
      action(
        async (
          email: string,
          options: {
            client: string;
            lang?: Lang;
            incoming?: string;
            pdf?: string;
            html?: string;
            dns?: string;
          },
        ) => {
          if (options.incoming && options.incoming !== "imap" && options.incoming !== "pop3")
            throw new InvalidArgumentError("imap | pop3");
          await withContext(async (ctx) => {
            const guide = await guideForAddress(
              email,
              options.client,
              options.lang ?? cliLang(),
              discoveryDeps(ctx, { resolver: resolverOf(options.dns) }),
              {
                publicUrl: ctx.config.publicUrl,
                ...(options.incoming ? { incomingProtocol: options.incoming as "imap" | "pop3" } : {}),
              },
            );
            if (options.pdf) writeFileSync(options.pdf, await renderGuidePdf(guide));
            if (options.html) writeFileSync(options.html, await renderGuideHtml(guide));
            if (!options.pdf && !options.html) console.log(renderGuideText(guide));
            else console.log([options.pdf, options.html].filter(Boolean).join("\n"));
          });
        },
      ),
    );
}
