import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  key: string;
  cert: string;
}

/**
 * A self-signed certificate made with the openssl CLI. `expired` dates it in 2020 through `openssl ca`
 * (`req -x509` refuses past dates); `names` become the subjectAltName (IP:… / DNS:…).
 */
export function makeCertificate(options: {
  commonName: string;
  names: string[];
  expired?: boolean;
}): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "facteur-cert-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const san = `subjectAltName=${options.names.join(",")}`;
  const quiet = { stdio: "pipe" as const };
  if (!options.expired) {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        `/CN=${options.commonName}`,
        "-addext",
        san,
        "-days",
        "2",
      ],
      quiet,
    );
  } else {
    const csr = join(dir, "req.csr");
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial"), "01\n");
    writeFileSync(
      join(dir, "ca.cnf"),
      [
        "[ ca ]",
        "default_ca = d",
        "[ d ]",
        `database = ${join(dir, "index.txt")}`,
        `new_certs_dir = ${dir}`,
        `serial = ${join(dir, "serial")}`,
        "default_md = sha256",
        "policy = p",
        "copy_extensions = copy",
        "unique_subject = no",
        "[ p ]",
        "commonName = supplied",
        "",
      ].join("\n"),
    );
    execFileSync(
      "openssl",
      [
        "req",
        "-new",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        key,
        "-out",
        csr,
        "-subj",
        `/CN=${options.commonName}`,
        "-addext",
        san,
      ],
      quiet,
    );
    execFileSync(
      "openssl",
      [
        "ca",
        "-batch",
        "-config",
        join(dir, "ca.cnf"),
        "-selfsign",
        "-keyfile",
        key,
        "-in",
        csr,
        "-out",
        cert,
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20200201000000Z",
      ],
      quiet,
    );
  }
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}
