import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { makeCertificate } from "./certs.js";
import { closedPort } from "./servers.js";

export interface DovecotInstance {
  imapPort: number;
  imapsPort: number;
  pop3Port: number;
  pop3sPort: number;
  /** PEM of the self-signed certificate (SAN IP:127.0.0.1), to pass as trusted CA. */
  ca: string;
  user: string;
  password: string;
  stop(): Promise<void>;
}

function waitForPort(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`dovecot did not listen on ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Uid/gid of a system account, via `id` (Debian creates dovecot and dovenull with the package). */
function account(name: string): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync("id", ["-u", name]).toString()),
    gid: Number(execFileSync("id", ["-g", name]).toString()),
  };
}

/**
 * A private Dovecot (Debian's dovecot-imapd/pop3d) on 127.0.0.1 high ports, with its own config,
 * passwd-file and self-signed certificate in a temp dir; the system instance is never touched.
 * As root, Dovecot refuses to run login processes as root: they run as dovecot/dovenull instead.
 */
export async function startDovecot(): Promise<DovecotInstance> {
  const dir = mkdtempSync(join(tmpdir(), "facteur-dovecot-"));
  chmodSync(dir, 0o755);
  const me = userInfo();
  const asRoot = me.uid === 0;
  const internal = asRoot ? "dovecot" : me.username;
  const login = asRoot ? "dovenull" : me.username;
  const mailOwner = asRoot ? account("dovecot") : { uid: me.uid, gid: me.gid };
  const groupName = asRoot ? "dovecot" : execFileSync("id", ["-gn"]).toString().trim();
  const user = "alice@example.test";
  const password = "S3cret-Pa$$word!";
  const { cert, key } = makeCertificate({
    commonName: "localhost",
    names: ["IP:127.0.0.1", "DNS:localhost"],
  });
  writeFileSync(join(dir, "cert.pem"), cert);
  writeFileSync(join(dir, "key.pem"), key, { mode: 0o600 });
  writeFileSync(join(dir, "passwd"), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  // One message in the INBOX so POP3 STAT has something to count.
  const maildir = join(dir, "mail", user, "Maildir");
  for (const sub of ["new", "cur", "tmp"]) mkdirSync(join(maildir, sub), { recursive: true });
  writeFileSync(
    join(maildir, "new", "1700000000.M1P1.test"),
    "From: a@example.test\r\nSubject: hello\r\n\r\nHello\r\n",
  );
  const ports = {
    imap: await closedPort(),
    imaps: await closedPort(),
    pop3: await closedPort(),
    pop3s: await closedPort(),
  };
  const run = join(dir, "run");
  mkdirSync(join(run, "state"), { recursive: true });
  if (asRoot) {
    for (const path of [
      join(dir, "mail"),
      join(dir, "mail", user),
      maildir,
      ...["new", "cur", "tmp"].map((s) => join(maildir, s)),
      join(maildir, "new", "1700000000.M1P1.test"),
    ]) {
      chownSync(path, mailOwner.uid, mailOwner.gid);
    }
  }
  writeFileSync(
    join(dir, "dovecot.conf"),
    `
base_dir = ${run}
state_dir = ${run}/state
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = ${internal}
default_internal_group = ${groupName}
default_login_user = ${login}
first_valid_uid = ${mailOwner.uid}
last_valid_uid = 0
log_path = ${dir}/dovecot.log
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
auth_mechanisms = plain login
auth_failure_delay = 0
disable_plaintext_auth = no
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailOwner.uid} gid=${mailOwner.gid} home=${dir}/mail/%u
}
mail_location = maildir:${dir}/mail/%u/Maildir
service imap-login {
  chroot =
  inet_listener imap {
    port = ${ports.imap}
  }
  inet_listener imaps {
    port = ${ports.imaps}
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = ${ports.pop3}
  }
  inet_listener pop3s {
    port = ${ports.pop3s}
    ssl = yes
  }
}
service anvil {
  chroot =
}
`,
  );
  const child: ChildProcess = spawn("dovecot", ["-F", "-c", join(dir, "dovecot.conf")], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  await Promise.all(Object.values(ports).map((p) => waitForPort(p, deadline)));
  return {
    imapPort: ports.imap,
    imapsPort: ports.imaps,
    pop3Port: ports.pop3,
    pop3sPort: ports.pop3s,
    ca: cert,
    user,
    password,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
