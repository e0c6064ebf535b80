import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { createContext } from "../../app/context.js";
import { createLogger } from "../../app/logger.js";
import { loadConfig } from "../../config/config.js";
import {
  ALL_MESSAGES,
  getMessage,
  listMessages,
  listMessagesQuerySchema,
} from "../../sending/message-view.service.js";
import { enqueueMessage } from "../../sending/outbox.service.js";
import { OutboxWorker } from "../../sending/worker.js";
import { parseOrThrow } from "../../domain/validation.js";
import { action, cliLang, EXIT, printTable, readStdin, withContext } from "../runtime.js";
import { ID_MAX } from "../../domain/id.js";

const WORKER_SHUTDOWN_GRACE_MS = 15_000; // as serve: in-flight sends get this long after SIGTERM

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > ID_MAX)
    throw new InvalidArgumentError(`"${value}" n'est pas un entier positif / is not a positive integer`);
  return n;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface SendOptions {
  to: string[];
  cc?: string[];
  bcc?: string[];
  from?: string;
  fromName?: string;
  replyTo?: string;
  subject: string;
  text?: string;
  textFile?: string;
  htmlFile?: string;
  attach?: string[];
  department?: string;
  server?: number;
  idempotencyKey?: string;
  json?: boolean;
}

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
    .action(
      action(async (options: SendOptions) => {
        let text = options.text ?? (options.textFile ? readFileSync(options.textFile, "utf8") : undefined);
        const html = options.htmlFile ? readFileSync(options.htmlFile, "utf8") : undefined;
        if (text === undefined && html === undefined) text = await readStdin();
        const department =
          options.department === undefined
            ? undefined
            : /^\d+$/.test(options.department)
              ? Number(options.department)
              : options.department;
        const body = {
          to: options.to,
          ...(options.cc ? { cc: options.cc } : {}),
          ...(options.bcc ? { bcc: options.bcc } : {}),
          ...(options.from ? { from: options.from } : {}),
          ...(options.fromName ? { fromName: options.fromName } : {}),
          ...(options.replyTo ? { replyTo: options.replyTo } : {}),
          subject: options.subject,
          ...(text !== undefined ? { text } : {}),
          ...(html !== undefined ? { html } : {}),
          ...(options.attach
            ? {
                attachments: options.attach.map((path) => ({
                  filename: basename(path),
                  content: readFileSync(path).toString("base64"),
                })),
              }
            : {}),
          ...(department !== undefined ? { department } : {}),
          ...(options.server ? { serverId: options.server } : {}),
          ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        };
        const result = await withContext((ctx) => enqueueMessage(ctx, body, { kind: "cli" }));
        if (options.json) console.log(JSON.stringify(result));
        else
          console.log(
            cliLang() === "fr"
              ? `Message ${result.id} ${result.duplicate ? "déjà en file (même clé d'idempotence)" : "mis en file"} : ${result.status}`
              : `Message ${result.id} ${result.duplicate ? "already queued (same idempotency key)" : "queued"}: ${result.status}`,
          );
      }),
    );

  program
    .command("worker")
    .description("Envoie les messages de la file (Ctrl-C / SIGTERM pour arrêter) / send queued messages")
    .option("--once", "vide la file puis s'arrête / drain the queue, then exit")
    .option("--concurrency <n>", "messages en parallèle / messages in flight", integer)
    .action(
      action(async (options: { once?: boolean; concurrency?: number }) => {
        const config = loadConfig();
        const ctx = await createContext(config, { logger: createLogger(config.logLevel) });
        const worker = new OutboxWorker(
          ctx,
          options.concurrency ? { config: { concurrency: options.concurrency } } : {},
        );
        if (options.once) {
          const count = await worker.drain();
          worker.close();
          await ctx.close();
          console.log(cliLang() === "fr" ? `${count} message(s) traité(s)` : `${count} message(s) processed`);
          return;
        }
        worker.start();
        ctx.logger.info({ workerId: worker.id }, "sending worker started");
        await new Promise<void>((resolve) => {
          const shutdown = (signal: string) => {
            ctx.logger.info({ signal }, "worker shutting down");
            const timer = setTimeout(() => process.exit(EXIT.FAILURE), WORKER_SHUTDOWN_GRACE_MS).unref();
            void worker
              .stop()
              .then(() => ctx.close())
              .then(() => {
                clearTimeout(timer);
                resolve();
              });
          };
          process.once("SIGTERM", () => shutdown("SIGTERM"));
          process.once("SIGINT", () => shutdown("SIGINT"));
        });
      }),
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
    .action(
      action(
        async (options: {
          recipient?: string;
          status?: string;
          server?: number;
          department?: number;
          page?: number;
          json?: boolean;
        }) => {
          const query = parseOrThrow(listMessagesQuerySchema, {
            recipient: options.recipient,
            status: options.status,
            serverId: options.server,
            departmentId: options.department,
            page: options.page,
          });
          const page = await withContext((ctx) => listMessages(ctx, query, ALL_MESSAGES)); // the operator sees all
          if (options.json) return console.log(JSON.stringify(page, null, 2));
          printTable(
            page.items.map((m) => ({
              ...m,
              to: m.to.map((r) => r.address).join(", "),
              lastError: m.lastError ?? "",
            })),
            [
              { key: "id", label: "ID" },
              { key: "status", label: "Status" },
              { key: "to", label: cliLang() === "fr" ? "Destinataires" : "Recipients" },
              { key: "subject", label: cliLang() === "fr" ? "Objet" : "Subject" },
              { key: "lastServerId", label: cliLang() === "fr" ? "Serveur" : "Server" },
              { key: "attemptCount", label: cliLang() === "fr" ? "Essais" : "Tries" },
              { key: "lastError", label: cliLang() === "fr" ? "Dernière erreur" : "Last error" },
            ],
          );
        },
      ),
    );
  messages
    .command("show <id>")
    .option("--json", "sortie JSON / JSON output")
    .action(
      action(async (id: string, options: { json?: boolean }) => {
        const message = await withContext((ctx) => getMessage(ctx, integer(id), ALL_MESSAGES));
        if (options.json) return console.log(JSON.stringify(message, null, 2));
        console.log(`#${message.id} ${message.status} — ${message.subject}`);
        printTable(
          message.attempts.map((a) => ({ ...a, response: a.response ?? "" })),
          [
            { key: "finishedAt", label: "Date" },
            { key: "serverId", label: cliLang() === "fr" ? "Serveur" : "Server" },
            { key: "outcome", label: cliLang() === "fr" ? "Résultat" : "Outcome" },
            { key: "stage", label: cliLang() === "fr" ? "Étape" : "Stage" },
            { key: "response", label: cliLang() === "fr" ? "Réponse SMTP" : "SMTP reply" },
          ],
        );
      }),
    );
}
