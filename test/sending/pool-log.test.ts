import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/app/logger.js";
import { poolLogger } from "../../src/sending/pool-log.js";

function capture(level = "info") {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: createLogger(level, sink) };
}

/** The calls nodemailer 7's pool and connection make (lib/smtp-pool, lib/smtp-connection), in order. */
function session(adapter: NonNullable<ReturnType<typeof poolLogger>>, idleEnd: boolean) {
  adapter.info(
    { component: "smtp-pool", tnx: "pool", cid: 1, action: "conection" },
    "Created new pool resource #%s",
    1,
  );
  adapter.info(
    { component: "smtp-connection", sid: "s1", tnx: "network", remoteAddress: "127.0.0.1", remotePort: 2525 },
    "%s established to %s:%s",
    "Connection",
    "127.0.0.1",
    2525,
  );
  adapter.info({ sid: "s1", tnx: "smtp" }, "Connection upgraded with STARTTLS");
  adapter.info(
    { sid: "s1", tnx: "smtp", username: "alice@exemple.fr", action: "authenticated", method: "PLAIN" },
    "User %s authenticated",
    '"alice@exemple.fr"',
  );
  adapter.info(
    { tnx: "send", messageId: "<m@x>", cid: 1 },
    "Sending message %s using #%s to <%s>",
    "<m@x>",
    1,
    "a",
  );
  if (idleEnd) {
    adapter.debug({ tnx: "connection", cid: 1, action: "available" }, "Connection #%s became available", 1);
    const err = Object.assign(new Error("Invalid login: 535 hunter2-secret"), { code: "ETIMEDOUT" });
    adapter.warn({ err, tnx: "pool", cid: 1 }, "Pool Error for #%s: %s", 1, err.message);
  }
  adapter.info({ tnx: "connection", cid: 1, action: "closed" }, "Connection #%s was closed", 1);
}

describe("pool events in the log", () => {
  it("logs connect, TLS, auth and an idle close with stable fields", () => {
    const { lines, log } = capture();
    session(poolLogger(log.child({ serverId: 4 }))!, true);
    expect(lines.map((l) => l.event)).toEqual(["pool.connect", "pool.tls", "pool.auth", "pool.idle_close"]);
    expect(lines[0]).toMatchObject({ serverId: 4, sid: "s1", tls: false, remotePort: 2525 });
    expect(lines[2]).toMatchObject({ sid: "s1", method: "PLAIN" });
    expect(lines[3]).toMatchObject({ cid: 1, code: "ETIMEDOUT" });
  });

  it("tells a close while sending from an idle one", () => {
    const { lines, log } = capture();
    session(poolLogger(log)!, false);
    expect(lines.at(-1)).toMatchObject({ event: "pool.close", cid: 1 });
  });

  it("copies no username, server words or nodemailer text", () => {
    const { lines, log } = capture("trace");
    session(poolLogger(log)!, true);
    const text = JSON.stringify(lines);
    expect(text).not.toContain("alice");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("Invalid login");
  });

  it("hooks nothing when info lines are off", () => {
    expect(poolLogger(capture("warn").log)).toBeUndefined();
  });
});
