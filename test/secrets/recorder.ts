import type { AddressInfo, Socket } from "node:net";
import { SMTPServer, type SMTPServerAuthenticationResponse } from "smtp-server";
import { expect } from "vitest";

/** What an SMTP listener saw: every byte on its sockets, every AUTH attempt, every mail. */
export interface Recorder {
  host: string;
  port: number;
  connections: number;
  auths: Array<{ method: string; username: string; password: string }>;
  mails: number;
  /** Every byte received, as latin1 text (the tests use plain SMTP: nothing hides in TLS). */
  raw(): string;
  reset(): void;
  close(): Promise<void>;
}

export interface RecorderOptions {
  host?: string;
  port?: number;
  /** Credentials it accepts (235); anything else gets 535. */
  accept?: { user: string; password: string };
  /** The 535 repeats the AUTH data in many encodings (a misbehaving server, issue 13 item 5). */
  echo?: boolean;
  /** SASL mechanisms offered (default PLAIN and LOGIN). */
  methods?: string[];
}

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** The text of a 535 that repeats everything the client sent, as a careless server or proxy would. */
export function echoText(user: string, password: string): string {
  return [
    "5.7.8 Authentication failed for",
    b64(`\u0000${user}\u0000${password}`),
    `user=${user} pass=${password}`,
    `login=${b64(password)}`,
    `url=${encodeURIComponent(password)}`,
    `json=${JSON.stringify({ password })}`,
    `blob=${b64(`x${password}yz`)}`,
  ].join(" ");
}

/** A real smtp-server (node `smtp-server`) on loopback, plain text, PLAIN and LOGIN offered. */
export async function startRecorder(options: RecorderOptions = {}): Promise<Recorder> {
  const chunks: Buffer[] = [];
  const state = { connections: 0, mails: 0 };
  const auths: Recorder["auths"] = [];
  const sockets = new Set<Socket>();
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authMethods: options.methods ?? ["PLAIN", "LOGIN"],
    onAuth(auth, _session, callback) {
      const username = auth.username ?? "";
      const password = auth.password ?? "";
      auths.push({ method: auth.method, username, password });
      if (options.accept && options.accept.user === username && options.accept.password === password) {
        callback(null, { user: username } as SMTPServerAuthenticationResponse);
        return;
      }
      const text = options.echo ? echoText(username, password) : "5.7.8 Authentication credentials invalid";
      callback(Object.assign(new Error(text), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        state.mails += 1;
        callback();
      });
    },
  });
  server.on("error", () => undefined);
  server.server.on("connection", (socket: Socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on("data", (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    socket.on("close", () => sockets.delete(socket));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    host,
    port,
    get connections() {
      return state.connections;
    },
    auths,
    get mails() {
      return state.mails;
    },
    raw: () => Buffer.concat(chunks).toString("latin1"),
    reset() {
      chunks.length = 0;
      auths.length = 0;
      state.connections = 0;
      state.mails = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Every text form of the secret a listener or a log could hold: itself, URL- and JSON-escaped, base64 alone,
 * the AUTH PLAIN blobs, and the base64 characters that carry it inside any longer blob (offsets 0/1/2 mod 3).
 * Computed here independently of src/secrets/redact.ts.
 */
export function secretEncodings(password: string, user?: string): string[] {
  const bytes = Buffer.from(password, "utf8");
  const forms = [password, encodeURIComponent(password), JSON.stringify(password).slice(1, -1)];
  forms.push(bytes.toString("base64").replace(/=+$/, ""));
  if (user !== undefined) forms.push(b64(`\u0000${user}\u0000${password}`).replace(/=+$/, ""));
  for (let k = 0; k < 3; k++) {
    const encoded = Buffer.concat([Buffer.alloc(k, 0x41), bytes]).toString("base64");
    forms.push(encoded.slice(Math.ceil((8 * k) / 6), Math.floor((8 * (k + bytes.length)) / 6)));
  }
  return [...new Set(forms.filter((f) => f.length >= 3))];
}

/** Fails when `text` holds the secret in any of those forms; `where` names the place in the message. */
export function expectNoSecret(text: string, password: string, where: string, user?: string): void {
  for (const form of secretEncodings(password, user))
    expect(text.includes(form), `${where} holds the secret as ${JSON.stringify(form)}`).toBe(false);
}

/** True when the listener received the secret (decoded by smtp-server, or in any raw form). */
export function received(recorder: Recorder, password: string, user?: string): boolean {
  if (recorder.auths.some((a) => a.password.includes(password))) return true;
  const raw = recorder.raw();
  return secretEncodings(password, user).some((form) => raw.includes(form));
}
