import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { createContext } from "../../app/context.js";
import { createLogger } from "../../app/logger.js";
import { loadConfig } from "../../config/config.js";
import { parseOrThrow } from "../../domain/validation.js";
import {
  ALL_MESSAGES,
  getMessage,
  listMessages as listAllMessages,
  listMessagesQuerySchema,
} from "../../sending/message-view.service.js";
import { enqueueMessage } from "../../sending/outbox.service.js";
import { OutboxWorker } from "../../sending/worker.js";
import { t } from "../messages.js";
import { EXIT, printTable, readStdin, withContext } from "../runtime.js";
import { integer } from "./sending.js";

const WORKER_SHUTDOWN_GRACE_MS = 15_000; // as serve: in-flight sends get this long after SIGTERM

export interface SendOptions {
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

export interface MessageListOptions {
  recipient?: string;
  status?: string;
  server?: number;
  department?: number;
  page?: number;
  json?: boolean;
}

export async function send(options: SendOptions): Promise<void> {
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
      t(result.duplicate ? "send.duplicate" : "send.queued", { id: result.id, status: result.status }),
    );
}

export async function worker(options: { once?: boolean; concurrency?: number }): Promise<void> {
  const config = loadConfig();
  const ctx = await createContext(config, { logger: createLogger(config.logLevel) });
  const outbox = new OutboxWorker(
    ctx,
    options.concurrency ? { config: { concurrency: options.concurrency } } : {},
  );
  if (options.once) {
    const count = await outbox.drain();
    outbox.close();
    await ctx.close();
    console.log(t("worker.processed", { count }));
    return;
  }
  outbox.start();
  ctx.logger.info({ workerId: outbox.id }, "sending worker started");
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      ctx.logger.info({ signal }, "worker shutting down");
      const timer = setTimeout(() => process.exit(EXIT.FAILURE), WORKER_SHUTDOWN_GRACE_MS).unref();
      void outbox
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
}

export async function listMessages(options: MessageListOptions): Promise<void> {
  const query = parseOrThrow(listMessagesQuerySchema, {
    recipient: options.recipient,
    status: options.status,
    serverId: options.server,
    departmentId: options.department,
    page: options.page,
  });
  const page = await withContext((ctx) => listAllMessages(ctx, query, ALL_MESSAGES)); // the operator sees all
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
      { key: "to", label: t("messages.recipients") },
      { key: "subject", label: t("messages.subject") },
      { key: "lastServerId", label: t("messages.server") },
      { key: "attemptCount", label: t("messages.tries") },
      { key: "lastError", label: t("messages.lastError") },
    ],
  );
}

export async function showMessage(id: string, options: { json?: boolean }): Promise<void> {
  const message = await withContext((ctx) => getMessage(ctx, integer(id), ALL_MESSAGES));
  if (options.json) return console.log(JSON.stringify(message, null, 2));
  console.log(`#${message.id} ${message.status} — ${message.subject}`);
  printTable(
    message.attempts.map((a) => ({ ...a, response: a.response ?? "" })),
    [
      { key: "finishedAt", label: "Date" },
      { key: "serverId", label: t("messages.server") },
      { key: "outcome", label: t("messages.outcome") },
      { key: "stage", label: t("messages.stage") },
      { key: "response", label: t("messages.reply") },
    ],
  );
}
