import type { Command } from "commander";
import { InvalidArgumentError } from "../commander.js";
import { ID_MAX } from "../constants.js";
import { action } from "../runtime.js";
import type { MessageListOptions, SendOptions } from "./sending-run.js";

/** A positive id argument. */
export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > ID_MAX)
    throw new InvalidArgumentError(`"${value}" n'est pas un entier positif / is not a positive integer`);
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const run = () => import("./sending-run.js");

/** `facteur send`, `facteur worker`, `facteur messages list|show`. */
export function register(program: Command): void {
  program
    .command("send")
    .description(
      "Met un message dans la file d'envoi (corps texte sur stdin ou --text-file) / queue a message (text body from stdin or --text-file)",
    )
    .requiredOption("--to <address>", "destinataire (répétable) / recipient (repeatable)", collect)
    .option("--cc <address>", "copie (répétable) / cc (repeatable)", collect)
    .option("--bcc <address>", "copie cachée (répétable) / bcc (repeatable)", collect)
    .option("--from <address>", "expéditeur (défaut : Mail du serveur) / sender (default: the server's Mail)")
    .option("--from-name <name>", "nom d'envoi / sender name")
    .option("--reply-to <address>", "adresse de réponse / reply-to")
    .requiredOption("--subject <subject>", "objet / subject")
    .option("--text <text>", "corps texte / text body")
    .option("--text-file <path>", "corps texte depuis un fichier / text body from a file")
    .option("--html-file <path>", "corps HTML depuis un fichier / HTML body from a file")
    .option("--attach <path>", "pièce jointe (répétable) / attachment (repeatable)", collect)
    .option("--department <name|id>", "service (routage) / department (routing)")
    .option("--server <id>", "forcer un serveur / force one server", integer)
    .option("--idempotency-key <key>", "clé d'idempotence / idempotency key")
    .option("--json", "sortie JSON / JSON output")
    .action(action(async (options: SendOptions) => (await run()).send(options)));

  program
    .command("worker")
    .description("Envoie les messages de la file (Ctrl-C / SIGTERM pour arrêter) / send queued messages")
    .option("--once", "vide la file puis s'arrête / drain the queue, then exit")
    .option("--concurrency <n>", "messages en parallèle / messages in flight", integer)
    .action(
      action(async (options: { once?: boolean; concurrency?: number }) => (await run()).worker(options)),
    );

  const messages = program
    .command("messages")
    .description("Messages envoyés ou en file / sent and queued messages");
  messages
    .command("list")
    .option("--recipient <text>", "destinataire contient / recipient contains")
    .option("--status <status>", "queued | sending | sent | failed")
    .option("--server <id>", "serveur / server", integer)
    .option("--department <id>", "service / department", integer)
    .option("--page <n>", "page", integer)
    .option("--json", "sortie JSON / JSON output")
    .action(action(async (options: MessageListOptions) => (await run()).listMessages(options)));
  messages
    .command("show <id>")
    .option("--json", "sortie JSON / JSON output")
    .action(
      action(async (id: string, options: { json?: boolean }) => (await run()).showMessage(id, options)),
    );
}
