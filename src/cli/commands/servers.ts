import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import type { AppContext } from "../../app/context.js";
import { FacteurError } from "../../domain/errors.js";
import { changedBoundFields } from "../../domain/secret-binding.js";
import {
  createServerSchema,
  listServersQuerySchema,
  SERVER_COLUMNS,
  updateServerSchema,
  type SmtpServerView,
} from "../../domain/smtp-server.js";
import { parseOrThrow } from "../../domain/validation.js";
import {
  createDepartment,
  deleteDepartment,
  listDepartments,
  renameDepartment,
} from "../../registry/department.service.js";
import {
  createServer,
  deleteServer,
  getServer,
  listServers,
  updateServer,
} from "../../registry/server.service.js";
import { cellValue, COLUMN_LABELS } from "../../export/labels.js";
import { action, cliLang, printTable, withContext } from "../runtime.js";
import { readSecret } from "./admin.js";
import { ID_MAX } from "../../domain/id.js";

function integer(value: string): number {
  const n = Number(value);
  // Ids, ports, priorities, pages: none goes past a 32-bit integer column (PostgreSQL refuses the query).
  if (!Number.isInteger(n) || Math.abs(n) > ID_MAX)
    throw new InvalidArgumentError(`"${value}" n'est pas un entier / is not an integer`);
  return n;
}

/** The row as the admin page shows it (same human values as the exports). */
function row(server: SmtpServerView, lang: "fr" | "en"): Record<string, unknown> {
  return Object.fromEntries(SERVER_COLUMNS.map((column) => [column, cellValue(server, column, lang)]));
}

/** Resolves department names or ids given on the command line to ids. */
async function departmentIds(ctx: AppContext, list: string): Promise<number[]> {
  const all = await listDepartments(ctx);
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const found = all.find((d) => String(d.id) === item || d.name.toLowerCase() === item.toLowerCase());
      if (!found) throw new FacteurError("DEPARTMENT_NOT_FOUND", { meta: { item } });
      return found.id;
    });
}

interface ServerOptions {
  title?: string;
  host?: string;
  port?: number;
  auth?: string;
  security?: string;
  mail?: string;
  senderName?: string;
  username?: string;
  passwordStdin?: boolean;
  usage?: string;
  departments?: string;
  signatureFile?: string;
  priority?: number;
  json?: boolean;
  version?: number;
}

function withServerOptions(command: Command): Command {
  return command
    .option("--title <title>", "Titre")
    .option("--host <host>", "Hôte / host")
    .option("--port <port>", "Port", integer)
    .option("--auth <method>", "none | password | encrypted_password | oauth2")
    .option("--security <mode>", "none | starttls | tls")
    .option("--mail <address>", "Mail (adresse d'envoi / sender address)")
    .option("--sender-name <name>", "Nom d'envoi / sender name")
    .option("--username <user>", "Utilisateur / user")
    .option(
      "--password-stdin",
      "lit le mot de passe sur stdin (sinon il est demandé) / read the password from stdin",
    )
    .option("--usage <mode>", "all | custom")
    .option("--departments <list>", "services (noms ou IDs, séparés par des virgules) / departments")
    .option("--signature-file <path>", "signature HTML")
    .option("--priority <n>", "priorité (plus petit = d'abord) / priority (lower first)", integer)
    .option("--json", "sortie JSON / JSON output");
}

async function bodyFrom(
  ctx: AppContext,
  options: ServerOptions,
  needPassword: boolean,
): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (options.title !== undefined) body.title = options.title;
  if (options.host !== undefined) body.host = options.host;
  if (options.port !== undefined) body.port = options.port;
  if (options.auth !== undefined) body.authentication = options.auth;
  if (options.security !== undefined) body.security = options.security;
  if (options.mail !== undefined) body.mail = options.mail;
  if (options.senderName !== undefined) body.senderName = options.senderName;
  if (options.username !== undefined) body.username = options.username;
  if (options.priority !== undefined) body.priority = options.priority;
  if (options.signatureFile) body.signatureHtml = readFileSync(options.signatureFile, "utf8");
  if (options.usage === "custom" || options.departments) {
    body.usage = { mode: "custom", departmentIds: await departmentIds(ctx, options.departments ?? "") };
  } else if (options.usage === "all") {
    body.usage = { mode: "all" };
  }
  if (options.passwordStdin || needPassword)
    body.password = await readSecret("Mot de passe SMTP / SMTP password: ");
  return body;
}

function printSaved(
  saved: { server: SmtpServerView; warnings: Array<{ fr: string; en: string }> },
  json: boolean | undefined,
): void {
  const lang = cliLang();
  if (json) {
    console.log(JSON.stringify(saved, null, 2));
    return;
  }
  console.log(
    lang === "fr"
      ? `Serveur #${saved.server.id} enregistré (version ${saved.server.version}).`
      : `Server #${saved.server.id} saved (version ${saved.server.version}).`,
  );
  for (const w of saved.warnings) console.log(`  ! ${w[lang]}`);
}

/** `facteur servers …` and `facteur departments …`. */
export function register(program: Command): void {
  const servers = program.command("servers").description("Registre des serveurs SMTP / SMTP server registry");

  servers
    .command("list")
    .description("Liste les serveurs / list servers")
    .option("-q, --search <term>", "recherche / search")
    .option("--sort <column>", `tri / sort: ${SERVER_COLUMNS.join(", ")}`, "id")
    .option("--order <order>", "asc | desc", "asc")
    .option("--page <n>", "page", "1")
    .option("--page-size <n>", "taille de page / page size", "50")
    .option("--json", "sortie JSON / JSON output")
    .action(
      action(
        async (options: {
          search?: string;
          sort: string;
          order: string;
          page: string;
          pageSize: string;
          json?: boolean;
        }) => {
          const query = parseOrThrow(listServersQuerySchema, {
            ...(options.search ? { q: options.search } : {}),
            sort: options.sort,
            order: options.order,
            page: options.page,
            pageSize: options.pageSize,
          });
          await withContext(async (ctx) => {
            const page = await listServers(ctx, query);
            if (options.json) return console.log(JSON.stringify(page, null, 2));
            const lang = cliLang();
            printTable(
              page.items.map((s) => row(s, lang)),
              SERVER_COLUMNS.map((key) => ({ key, label: COLUMN_LABELS[lang][key] })),
            );
            console.log(
              lang === "fr"
                ? `\n${page.items.length} sur ${page.total} serveur(s), page ${page.page}`
                : `\n${page.items.length} of ${page.total} server(s), page ${page.page}`,
            );
          });
        },
      ),
    );

  servers
    .command("show <id>")
    .option("--json", "sortie JSON / JSON output")
    .action(
      action(async (id: string, options: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const server = await getServer(ctx, integer(id));
          if (options.json) return console.log(JSON.stringify(server, null, 2));
          const lang = cliLang();
          for (const key of SERVER_COLUMNS)
            console.log(`${COLUMN_LABELS[lang][key].padEnd(18)} ${String(row(server, lang)[key])}`);
          console.log(
            `${(lang === "fr" ? "Mot de passe" : "Password").padEnd(18)} ${server.hasPassword ? (lang === "fr" ? "enregistré (jamais affiché)" : "stored (never shown)") : "-"}`,
          );
          console.log(`${"Version".padEnd(18)} ${server.version}`);
        });
      }),
    );

  withServerOptions(
    servers.command("add").description("Ajoute un serveur (tous les champs sont requis) / add a server"),
  ).action(
    action(async (options: ServerOptions) => {
      await withContext(async (ctx) => {
        const body = await bodyFrom(ctx, options, options.auth !== "none");
        const saved = await createServer(ctx, parseOrThrow(createServerSchema, body));
        printSaved(saved, options.json);
      });
    }),
  );

  withServerOptions(servers.command("update <id>").description("Modifie un serveur / update a server"))
    .option("--expect-version <n>", "refuse si la version a changé / refuse if the version changed", integer)
    .action(
      action(async (id: string, options: ServerOptions & { expectVersion?: number }) => {
        await withContext(async (ctx) => {
          const current = await getServer(ctx, integer(id));
          // The stored password is bound to these settings (src/domain/secret-binding.ts): changing one needs
          // it again. At a terminal it is asked for; in a script, --password-stdin gives it (else: refused).
          const moved = changedBoundFields(current, {
            host: options.host,
            port: options.port,
            security: options.security,
            authentication: options.auth,
            username: options.username,
          });
          const ask =
            moved.length > 0 &&
            (options.auth ?? current.authentication) !== "none" &&
            process.stdin.isTTY === true;
          const body = {
            ...(await bodyFrom(ctx, options, ask)),
            version: options.expectVersion ?? current.version,
          };
          const saved = await updateServer(ctx, current.id, parseOrThrow(updateServerSchema, body));
          printSaved(saved, options.json);
        });
      }),
    );

  servers
    .command("remove <id>")
    .alias("delete")
    .action(
      action(async (id: string) => {
        await withContext(async (ctx) => {
          await deleteServer(ctx, integer(id));
          console.log(cliLang() === "fr" ? `Serveur #${id} supprimé.` : `Server #${id} deleted.`);
        });
      }),
    );

  const departments = program
    .command("departments")
    .description("Services (Achat, Vente, Production…) / departments");
  departments
    .command("list")
    .option("--json", "sortie JSON / JSON output")
    .action(
      action(async (options: { json?: boolean }) => {
        await withContext(async (ctx) => {
          const items = await listDepartments(ctx);
          if (options.json) return console.log(JSON.stringify(items, null, 2));
          printTable(items as unknown as Array<Record<string, unknown>>, [
            { key: "id", label: "ID" },
            { key: "name", label: cliLang() === "fr" ? "Nom" : "Name" },
            { key: "serverCount", label: cliLang() === "fr" ? "Serveurs" : "Servers" },
          ]);
        });
      }),
    );
  departments.command("add <name>").action(
    action(async (name: string) => {
      await withContext(async (ctx) => {
        const d = await createDepartment(ctx, name); // the service checks, then trims
        console.log(`#${d.id} ${d.name}`);
      });
    }),
  );
  departments.command("rename <id> <name>").action(
    action(async (id: string, name: string) => {
      await withContext(async (ctx) => {
        const d = await renameDepartment(ctx, integer(id), name);
        console.log(`#${d.id} ${d.name}`);
      });
    }),
  );
  departments
    .command("remove <id>")
    .alias("delete")
    .action(
      action(async (id: string) => {
        await withContext(async (ctx) => {
          await deleteDepartment(ctx, integer(id));
          console.log(cliLang() === "fr" ? "Service supprimé." : "Department deleted.");
        });
      }),
    );
}
