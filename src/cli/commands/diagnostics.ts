import { readFileSync } from "node:fs";
import { InvalidArgumentError, type Command } from "commander";
import { loadConfig } from "../../config/config.js";
import { testSettings, testStoredServer } from "../../diagnostics/diagnostics.service.js";
import { parseHostPort } from "../../diagnostics/host-port.js";
import { formatReport } from "../../diagnostics/report.js";
import type { ProbeResult } from "../../diagnostics/result.js";
import { FacteurError, type Lang } from "../../domain/errors.js";
import { SECURITY_MODES, type MailProtocol, type SecurityMode } from "../../domain/ports.js";
import { emailSchema } from "../../domain/smtp-server.js";
import { EXIT, action, cliLang, withContext } from "../runtime.js";
import { readSecret } from "./admin.js";
import { ID_MAX } from "../../domain/id.js";

interface TestOptions {
  security?: SecurityMode;
  user?: string;
  passwordStdin?: boolean;
  from?: string;
  to?: string;
  json?: boolean;
  lang?: Lang;
  insecure?: boolean;
  caFile?: string;
  alternatives: boolean;
  timeout?: number;
}

function securityMode(value: string): SecurityMode {
  if (!(SECURITY_MODES as readonly string[]).includes(value))
    throw new InvalidArgumentError("none | starttls | tls");
  return value as SecurityMode;
}

function language(value: string): Lang {
  if (value !== "fr" && value !== "en") throw new InvalidArgumentError("fr | en");
  return value;
}

function email(value: string): string {
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`adresse invalide / invalid address: ${value}`);
  return parsed.data;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 300) throw new InvalidArgumentError("1..300");
  return n;
}

/** Prints a result (report or JSON) and sets the exit code: 0 passed, 1 failed. */
function printResult(result: ProbeResult, options: { json?: boolean; lang?: Lang }): void {
  console.log(
    options.json ? JSON.stringify(result, null, 2) : formatReport(result, options.lang ?? cliLang()),
  );
  process.exitCode = result.ok ? EXIT.OK : EXIT.FAILURE;
}

function timeoutsFrom(options: TestOptions) {
  if (options.timeout === undefined) return undefined;
  const ms = Math.round(options.timeout * 1000);
  return { connectMs: ms, greetingMs: ms, commandMs: ms };
}

function addCommonOptions(command: Command): Command {
  return command
    .option("--json", "sortie JSON / JSON output")
    .option("--lang <lang>", "fr | en", language)
    .option("--no-alternatives", "ne pas essayer d'autres ports / do not try other ports")
    .option("--timeout <seconds>", "délai par étape / timeout per step", seconds);
}

function protocolCommand(parent: Command, protocol: MailProtocol, description: string): void {
  addCommonOptions(
    parent
      .command(`${protocol} <target>`)
      .description(description)
      .option("--security <mode>", "none | starttls | tls", securityMode)
      .option("--user <user>", "identifiant / username")
      .option("--password-stdin", "lit le mot de passe sur stdin / read the password from stdin")
      .option("--insecure", "poursuit malgré un certificat invalide / go on despite an invalid certificate")
      .option("--ca-file <path>", "autorité de certification en plus (PEM) / extra trusted CA (PEM)"),
  );
  const command = parent.commands.at(-1)!;
  if (protocol === "smtp") {
    command
      .option(
        "--from <address>",
        "essaie MAIL FROM (rien n'est envoyé) / try MAIL FROM (nothing is sent)",
        email,
      )
      .option("--to <address>", "essaie RCPT TO (rien n'est envoyé) / try RCPT TO (nothing is sent)", email);
  }
  command.action(
    action(async (target: string, options: TestOptions) => {
      const { host, port, security } = parseHostPort(target, protocol, options.security);
      // Passwords never on argv (ps, shell history): stdin, or a prompt without echo.
      const password =
        options.user !== undefined || options.passwordStdin
          ? await readSecret("Mot de passe / password: ")
          : undefined;
      const result = await testSettings(
        { config: loadConfig() },
        {
          protocol,
          host,
          port,
          security,
          user: options.user,
          password: options.user !== undefined ? password : undefined,
          from: options.from,
          to: options.to,
          trust: {
            ...(options.caFile ? { ca: readFileSync(options.caFile) } : {}),
            ...(options.insecure ? { acceptInvalidCertificate: true } : {}),
          },
          tryAlternatives: options.alternatives,
          timeouts: timeoutsFrom(options),
        },
      );
      printResult(result, options);
    }),
  );
}

/** `facteur test smtp|imap|pop3 host[:port]` and `facteur test server <id>`. */
export function register(program: Command): void {
  const test = program
    .command("test")
    .description(
      "Teste des réglages de messagerie comme telnet/swaks et explique l'échec / test mail settings and explain failures",
    );
  protocolCommand(test, "smtp", "Teste un serveur d'envoi SMTP / test an SMTP server");
  protocolCommand(test, "imap", "Teste un serveur IMAP / test an IMAP server");
  protocolCommand(test, "pop3", "Teste un serveur POP3 / test a POP3 server");

  addCommonOptions(
    test
      .command("server <id>")
      .description(
        "Teste un serveur enregistré et garde le résultat / test a stored server and keep the result",
      )
      .option("--to <address>", "essaie RCPT TO (rien n'est envoyé) / try RCPT TO (nothing is sent)", email),
  ).action(
    action(async (idText: string, options: TestOptions) => {
      const id = Number(idText);
      if (!Number.isInteger(id) || id < 1 || id > ID_MAX)
        throw new FacteurError("VALIDATION_FAILED", { meta: { id: idText } });
      const result = await withContext((ctx) =>
        testStoredServer(ctx, id, {
          to: options.to,
          tryAlternatives: options.alternatives,
          timeouts: timeoutsFrom(options),
        }),
      );
      printResult(result, options);
    }),
  );
}
