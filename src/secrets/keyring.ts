import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { FacteurError } from "../domain/errors.js";

const KEY_BYTES = 32; // AES-256
const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const ENVELOPE_VERSION = "v1";

/** Key material on disk: every key still needed to decrypt, and the one used to encrypt. */
interface KeyringFile {
  current: string;
  keys: Record<string, string>;
}

/**
 * Encrypts stored credentials with AES-256-GCM. The envelope `v1.<keyId>.<iv>.<tag>.<ciphertext>` names its
 * key, so rotation can re-encrypt row by row while old rows stay readable. `aad` binds a value to its context:
 * server passwords bind to their row and endpoint (secrets/server-password.ts), so a password copied into
 * another column or row, or left behind when the row is moved, does not decrypt.
 */
export class Keyring {
  private constructor(
    private readonly keys: Map<string, Buffer>,
    private currentId: string,
    private readonly file: string | null,
  ) {}

  /** From FACTEUR_SECRET_KEY (base64 of 32 bytes) or the keyring file, created with mode 0600 on first use. */
  static load(options: { secretKey?: string | undefined; keyFile: string }): Keyring {
    if (options.secretKey) {
      const key = decodeKey(options.secretKey);
      return new Keyring(new Map([[keyIdOf(key), key]]), keyIdOf(key), null);
    }
    if (!existsSync(options.keyFile)) {
      const key = randomBytes(KEY_BYTES);
      writeKeyring(options.keyFile, {
        current: keyIdOf(key),
        keys: { [keyIdOf(key)]: key.toString("base64") },
      });
    }
    const parsed = JSON.parse(readFileSync(options.keyFile, "utf8")) as KeyringFile;
    const keys = new Map(Object.entries(parsed.keys).map(([id, b64]) => [id, decodeKey(b64)]));
    if (!keys.has(parsed.current)) throw new Error(`Keyring ${options.keyFile}: current key missing`);
    return new Keyring(keys, parsed.current, options.keyFile);
  }

  get currentKeyId(): string {
    return this.currentId;
  }

  encrypt(plaintext: string, aad: string): string {
    const key = this.keys.get(this.currentId);
    if (!key) throw new Error("no current key");
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(aad, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [
      ENVELOPE_VERSION,
      this.currentId,
      iv.toString("base64"),
      cipher.getAuthTag().toString("base64"),
      ciphertext.toString("base64"),
    ].join(".");
  }

  decrypt(envelope: string, aad: string): string {
    const [version, keyId, iv, tag, ciphertext] = envelope.split(".");
    const key = keyId ? this.keys.get(keyId) : undefined;
    if (version !== ENVELOPE_VERSION || !key || !iv || !tag || ciphertext === undefined) {
      throw new FacteurError("SECRET_KEY_INVALID");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
      decipher.setAAD(Buffer.from(aad, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString(
        "utf8",
      );
    } catch (cause) {
      throw new FacteurError("SECRET_KEY_INVALID", { cause });
    }
  }

  /** True when the envelope names a key this keyring holds (so a failure to decrypt is not a key problem). */
  knowsKeyOf(envelope: string): boolean {
    const [version, keyId] = envelope.split(".");
    return version === ENVELOPE_VERSION && keyId !== undefined && this.keys.has(keyId);
  }

  /** True when the envelope was sealed with a key other than the current one. */
  isStale(envelope: string): boolean {
    return envelope.split(".")[1] !== this.currentId;
  }

  /**
   * Rotation, step 1: adds a new key and makes it current (file keyrings), or installs `newKey` (env keys).
   * Old keys stay until `dropStaleKeys` so that a crash mid-rotation loses nothing.
   */
  addKey(newKey?: Buffer): string {
    const key = newKey ?? randomBytes(KEY_BYTES);
    const id = keyIdOf(key);
    this.keys.set(id, key);
    this.currentId = id;
    this.persist();
    return id;
  }

  /** Rotation, step 3: forgets every key but the current one. */
  dropStaleKeys(): void {
    for (const id of [...this.keys.keys()]) if (id !== this.currentId) this.keys.delete(id);
    this.persist();
  }

  private persist(): void {
    if (!this.file) return;
    const keys: Record<string, string> = {};
    for (const [id, key] of this.keys) keys[id] = key.toString("base64");
    writeKeyring(this.file, { current: this.currentId, keys });
  }
}

function decodeKey(b64: string): Buffer {
  const key = Buffer.from(b64.trim(), "base64");
  if (key.length !== KEY_BYTES) {
    throw new Error(
      `La clé doit faire ${KEY_BYTES} octets en base64 (openssl rand -base64 32) / the key must be ${KEY_BYTES} bytes, base64`,
    );
  }
  return key;
}

function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** Atomic write (temp file + rename) with mode 0600 from the first byte. */
function writeKeyring(file: string, content: KeyringFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(content, null, 2), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}
