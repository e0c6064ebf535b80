import type { Command } from "commander";
import { InvalidArgumentError } from "../commander.js";
import type { Lang } from "../../domain/errors.js";
import { normalizeHost } from "../../domain/host.js";
import type { SecurityMode } from "../../domain/ports.js";
import { CLIENT_IDS } from "../constants.js";
import { action } from "../runtime.js";
import type { AddOptions, DiscoverOptions, GuideOptions } from "./clients-run.js";

const IMPLICIT_TLS_PORTS = new Set([993, 995, 465]);

function language(value: string): Lang {
  if (value !== "fr" && value !== "en") throw new InvalidArgumentError("fr | en");
  return value;
}

/** `host[:port]` → server input; security from the port (993/995/465 implicit TLS, others STARTTLS). */
export function hostPort(value: string): { host: string; port?: number; security: SecurityMode } {
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

const run = () => import("./clients-run.js");

function registerDomains(program: Command): void {
  const domains = program
    .command("domains")
    .description("Domaines de messagerie servis en autoconfiguration / mail domains served by autoconfig");

  domains
    .command("list")
    .option("--json", "JSON")
    .action(action(async (options: { json?: boolean }) => (await run()).listDomains(options)));

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
      action(async (name: string | undefined, options: AddOptions) => (await run()).addDomain(name, options)),
    );

  domains
    .command("show <domain>")
    .option("--json", "JSON")
    .action(
      action(async (ref: string, options: { json?: boolean }) => (await run()).showDomain(ref, options)),
    );

  domains.command("remove <domain>").action(action(async (ref: string) => (await run()).removeDomain(ref)));

  domains
    .command("dns <domain>")
    .description(
      "Enregistrements DNS à publier / DNS records to publish (--check : ce qui est publié / what is published)",
    )
    .option("--check", "interroger le DNS / query DNS")
    .option("--dns <servers>", "serveurs DNS (ip:port, séparés par des virgules) / DNS servers")
    .option("--json", "JSON")
    .action(
      action(async (ref: string, options: { check?: boolean; dns?: string; json?: boolean }) =>
        (await run()).domainDns(ref, options),
      ),
    );
}

/** `facteur domains …`, `facteur discover <email>`, `facteur guide <email>`. */
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
      action(async (email: string, options: DiscoverOptions) => (await run()).discover(email, options)),
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
    .action(action(async (email: string, options: GuideOptions) => (await run()).guide(email, options)));
}
