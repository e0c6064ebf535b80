import { readFileSync, writeFileSync } from "node:fs";
import { InvalidArgumentError } from "../commander.js";
import type { AppContext } from "../../app/context.js";
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
  listDomains as listAllDomains,
} from "../../clients/domains/domain.service.js";
import { renderGuideHtml } from "../../clients/guides/render-html.js";
import { renderGuidePdf } from "../../clients/guides/render-pdf.js";
import { renderGuideText } from "../../clients/guides/render-text.js";
import { guideForAddress } from "../../clients/guides/service.js";
import { PROTOCOL_LABEL, SECURITY_LABEL, usernameFormOf } from "../../clients/model.js";
import { FacteurError, type Lang } from "../../domain/errors.js";
import { normalizeHost } from "../../domain/host.js";
import { ID_MAX } from "../constants.js";
import { t } from "../messages.js";
import { cliLang, EXIT, printTable, readStdin, withContext } from "../runtime.js";
import type { hostPort } from "./clients.js";

export interface AddOptions {
  displayName?: string;
  imap?: Array<ReturnType<typeof hostPort>>;
  pop3?: Array<ReturnType<typeof hostPort>>;
  smtp?: Array<ReturnType<typeof hostPort>>;
  username?: string;
  fromJson?: string;
  json?: boolean;
}

export interface DiscoverOptions {
  probe?: boolean;
  dns?: string;
  lang?: Lang;
  json?: boolean;
}

export interface GuideOptions {
  client: string;
  lang?: Lang;
  incoming?: string;
  pdf?: string;
  html?: string;
  dns?: string;
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

export async function listDomains(options: { json?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const items = await listAllDomains(ctx);
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
        { key: "name", label: t("domains.name") },
        { key: "incoming", label: t("domains.incoming") },
        { key: "outgoing", label: t("domains.outgoing") },
      ],
    );
  });
}

export async function addDomain(name: string | undefined, options: AddOptions): Promise<void> {
  let body: unknown;
  if (options.fromJson) {
    body = JSON.parse(options.fromJson === "-" ? await readStdin() : readFileSync(options.fromJson, "utf8"));
  } else {
    const form =
      options.username === "address" || options.username === "localpart" ? options.username : "custom";
    const login =
      form === "custom" ? { usernameForm: form, usernameTemplate: options.username } : { usernameForm: form };
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
    console.log(t("domains.added", { name: created.name, id: created.id }));
    for (const w of [...created.incoming, ...created.outgoing].flatMap((s) => s.warnings))
      console.log(`! ${w[cliLang()]}`);
  });
}

export async function showDomain(ref: string, options: { json?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const d = await findDomain(ctx, ref);
    if (options.json) return console.log(JSON.stringify(d, null, 2));
    console.log(`${d.name} — ${d.displayName} (id ${d.id}, version ${d.version})`);
    for (const s of [...d.incoming, ...d.outgoing]) {
      console.log(`  ${serverLine(s)} [${s.authentication}, ${usernameFormOf(s.usernameTemplate)}]`);
      for (const w of s.warnings) console.log(`    ! ${w[cliLang()]}`);
    }
  });
}

export async function removeDomain(ref: string): Promise<void> {
  await withContext(async (ctx) => {
    const d = await findDomain(ctx, ref);
    await deleteDomain(ctx, d.id);
    console.log(t("domains.removed", { name: d.name }));
  });
}

export async function domainDns(
  ref: string,
  options: { check?: boolean; dns?: string; json?: boolean },
): Promise<void> {
  await withContext(async (ctx) => {
    const d = await findDomain(ctx, ref);
    const facteurHost = facteurHostOf(ctx.config.publicUrl);
    const records = recordsToPublish(d, facteurHost ?? "facteur.example.net");
    if (!facteurHost) console.error(t("dns.notHostName"));
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
          { key: "wanted", label: t("dns.wanted") },
          { key: "found", label: t("dns.published") },
        ],
      );
    if (checked.some((c) => c.status !== "ok")) process.exitCode = EXIT.FAILURE;
  });
}

export async function discover(email: string, options: DiscoverOptions): Promise<void> {
  const lang = options.lang ?? cliLang();
  await withContext(async (ctx) => {
    const result = await discoverSettings(
      email,
      discoveryDeps(ctx, { probe: options.probe === true, resolver: resolverOf(options.dns) }),
    );
    process.exitCode = result.found ? EXIT.OK : EXIT.NOT_FOUND;
    if (options.json) return console.log(JSON.stringify(result, null, 2));
    console.log(
      result.steps.map((s) => `${s.source}: ${s.outcome}${s.detail ? ` (${s.detail})` : ""}`).join("  ·  "),
    );
    if (!result.settings) return console.log(`\n${result.advice![lang]}`);
    const confidence = t(`discover.confidence.${result.confidence!}`, {}, lang);
    console.log(
      `${t("discover.source", {}, lang)}: ${result.source} (${t("discover.confidence", {}, lang)} ${confidence})${result.provider ? ` — ${result.provider.name}` : ""}\n`,
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
        { key: "protocol", label: t("discover.protocol", {}, lang) },
        { key: "host", label: t("discover.server", {}, lang) },
        { key: "port", label: "Port" },
        { key: "security", label: t("discover.security", {}, lang) },
        { key: "username", label: t("discover.username", {}, lang) },
        { key: "auth", label: t("discover.authentication", {}, lang) },
      ],
    );
    if (result.advice) console.log(`\n${result.advice[lang]}`);
  });
}

export async function guide(email: string, options: GuideOptions): Promise<void> {
  if (options.incoming && options.incoming !== "imap" && options.incoming !== "pop3")
    throw new InvalidArgumentError("imap | pop3");
  await withContext(async (ctx) => {
    const built = await guideForAddress(
      email,
      options.client,
      options.lang ?? cliLang(),
      discoveryDeps(ctx, { resolver: resolverOf(options.dns) }),
      {
        publicUrl: ctx.config.publicUrl,
        ...(options.incoming ? { incomingProtocol: options.incoming as "imap" | "pop3" } : {}),
      },
    );
    if (options.pdf) writeFileSync(options.pdf, await renderGuidePdf(built));
    if (options.html) writeFileSync(options.html, await renderGuideHtml(built));
    if (!options.pdf && !options.html) console.log(renderGuideText(built));
    else console.log([options.pdf, options.html].filter(Boolean).join("\n"));
  });
}
