import type { Command } from "commander";
import { InvalidArgumentError } from "../commander.js";
import type { Lang } from "../../domain/errors.js";
import { SECURITY_MODES, type MailProtocol, type SecurityMode } from "../../domain/ports.js";
import { action } from "../runtime.js";
import type { TestOptions } from "./diagnostics-run.js";
import { checkEmailOptions } from "./email-options.js";

function securityMode(value: string): SecurityMode {
  if (!(SECURITY_MODES as readonly string[]).includes(value))
    throw new InvalidArgumentError("none | starttls | tls");
  return value as SecurityMode;
}

function language(value: string): Lang {
  if (value !== "fr" && value !== "en") throw new InvalidArgumentError("fr | en");
  return value;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 300) throw new InvalidArgumentError("1..300");
  return n;
}

const TRY_TO = "essaie RCPT TO (rien n'est envoyé) / try RCPT TO (nothing is sent)";

function addCommonOptions(command: Command): Command {
  return command
    .option("--json", "sortie JSON / JSON output")
    .option("--lang <lang>", "fr | en", language)
    .option("--no-alternatives", "ne pas essayer d'autres ports / do not try other ports")
    .option("--timeout <seconds>", "délai par étape / timeout per step", seconds);
}

function protocolCommand(parent: Command, protocol: MailProtocol, description: string): void {
  const command = addCommonOptions(
    parent
      .command(`${protocol} <target>`)
      .description(description)
      .option("--security <mode>", "none | starttls | tls", securityMode)
      .option("--user <user>", "identifiant / username")
      .option("--password-stdin", "lit le mot de passe sur stdin / read the password from stdin")
      .option("--insecure", "poursuit malgré un certificat invalide / go on despite an invalid certificate")
      .option("--ca-file <path>", "autorité de certification en plus (PEM) / extra trusted CA (PEM)"),
  );
  if (protocol === "smtp") {
    command
      .option("--from <address>", "essaie MAIL FROM (rien n'est envoyé) / try MAIL FROM (nothing is sent)")
      .option("--to <address>", TRY_TO);
    checkEmailOptions(command, ["--from", "--to"]);
  }
  command.action(
    action(async (target: string, options: TestOptions) => {
      const { testTarget } = await import("./diagnostics-run.js");
      await testTarget(protocol, target, options);
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

  const server = addCommonOptions(
    test
      .command("server <id>")
      .description(
        "Teste un serveur enregistré et garde le résultat / test a stored server and keep the result",
      )
      .option("--to <address>", TRY_TO),
  );
  checkEmailOptions(server, ["--to"]);
  server.action(
    action(async (idText: string, options: TestOptions) => {
      const { testServer } = await import("./diagnostics-run.js");
      await testServer(idText, options);
    }),
  );
}
