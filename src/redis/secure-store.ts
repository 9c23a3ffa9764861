/**
 * What a store on shared infrastructure needs on top of GET/SET: keys that reveal nothing (a
 * SHA-256 of the engine's logical key, under a prefix) and, with a key, values sealed with
 * AES-256-GCM, because an access token in a shared cache is a credential. Node only
 * (node:crypto); the main entry never imports this file.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { TokenStore } from "../store/token-store.js";

/** How stored keys and values are protected. */
export interface SecureStoreOptions {
  /**
   * Prepended to every key, e.g. to share one Redis between environments.
   * @default "cybrid-id:"
   */
  keyPrefix?: string;
  /**
   * A 32-byte AES-256-GCM key (bytes, or a string of 64 hex digits or base64 of 32 bytes).
   * With it, stored values are encrypted and authenticated: a reader of the store sees no
   * token, and a value altered or moved to another key is refused (treated as absent). Every
   * process sharing the store needs the same key. @default undefined (values stored as JSON)
   */
  encryptionKey?: Uint8Array | string;
}

const FORMAT = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The 32-byte key from bytes, hex or base64; anything else throws (a config error). */
export function parseEncryptionKey(key: Uint8Array | string): Buffer {
  const bytes =
    typeof key !== "string"
      ? Buffer.from(key)
      : /^[0-9a-f]{64}$/i.test(key)
        ? Buffer.from(key, "hex")
        : Buffer.from(key, "base64");
  if (bytes.length !== 32)
    throw new TypeError("encryptionKey must be 32 bytes (64 hex digits or base64 of 32 bytes)");
  return bytes;
}

/** `prefix` + hex SHA-256 of the logical key: fixed length, and no URL or client id in it. */
export function hashKey(logicalKey: string, prefix = "cybrid-id:"): string {
  return prefix + createHash("sha256").update(logicalKey).digest("hex");
}

/** Encrypts `plaintext`; `aad` (the storage key) binds the value to where it is stored. */
export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return FORMAT + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
}

/** Decrypts a {@link seal}ed value; throws when it was altered, moved or sealed with another key. */
export function open(key: Buffer, sealed: string, aad: string): string {
  if (!sealed.startsWith(FORMAT)) throw new Error("not a sealed value");
  const raw = Buffer.from(sealed.slice(FORMAT.length), "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("sealed value too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([
    decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]).toString("utf8");
}

/**
 * Wraps a store that writes where others can read (Redis, Memcached, a database): its keys are
 * hashed and, with `encryptionKey`, its values encrypted. A value that fails authentication
 * (tampered, or written with another key during a key rotation) reads as absent, so the next
 * refresh overwrites it rather than every process failing on it.
 *
 * The result is a plain {@link TokenStore}: give it to the client as
 * `sharedTokenStore(secureTokenStore(myStore, { encryptionKey }))` (`cybrid-id/store`).
 */
export function secureTokenStore(inner: TokenStore, options: SecureStoreOptions = {}): TokenStore {
  const prefix = options.keyPrefix ?? "cybrid-id:";
  const key =
    options.encryptionKey === undefined ? undefined : parseEncryptionKey(options.encryptionKey);
  const valueKey = (logical: string) => hashKey(logical, prefix);
  return {
    async get(logical) {
      const at = valueKey(logical);
      const value = await inner.get(at);
      if (typeof value !== "string" || key === undefined) return value;
      try {
        return open(key, value, at);
      } catch {
        return undefined;
      }
    },
    set(logical, value, ttlMs) {
      const at = valueKey(logical);
      return inner.set(at, key === undefined ? value : seal(key, value, at), ttlMs);
    },
    acquire: (logical, fence, ttlMs) => inner.acquire(valueKey(logical), fence, ttlMs),
    release: (logical, fence) => inner.release(valueKey(logical), fence),
  };
}
