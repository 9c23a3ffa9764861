/**
 * What a store on shared infrastructure needs on top of GET/SET: keys that reveal nothing (a
 * SHA-256 of the engine's logical key, under a prefix) and, with a key, values sealed with
 * AES-256-GCM, because an access token in a shared cache is a credential. Node only
 * (node:crypto); the main entry never imports this file.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { configError } from "../errors/config-error.js";
import { UNREADABLE_VALUE, type TokenStore } from "../config/token-store.js";
import { hasMethods } from "../config/option-checks.js";
import { checkStoreOptions } from "../store/store-options.js";

/** How stored keys and values are protected. */
export interface SecureStoreOptions {
  /**
   * Prepended to every key, e.g. to share one Redis between environments.
   * @default "cybrid-id:"
   */
  keyPrefix?: string;
  /**
   * A 32-byte AES-256-GCM key (bytes, or a string of 64 hex digits or base64 of 32 bytes;
   * surrounding whitespace is ignored), or `false` to store tokens in plain JSON. Required:
   * a missing key (`process.env.X` unset) is a configuration error, never plaintext.
   *
   * With a key, stored values are encrypted and authenticated: a reader of the store sees no
   * token. Every process sharing the store needs the same key. A value that does not decrypt
   * (written with another key: a misconfigured process, a key rotation; or altered) is
   * reported (`onStoreError`, operation `get`, and one warning per client) and left in place
   * until it expires: the client fetches its own token meanwhile and neither locks nor
   * overwrites it, so one misconfigured process cannot evict the fleet's token.
   * @default none: required (`false` for plain JSON)
   */
  encryptionKey?: Uint8Array | string | false;
}

const FORMAT = "v1.";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Heads the message of every configuration error thrown here. */
/** The heading of a store's configuration errors. */
export const WHAT = "Invalid token store configuration";

/**
 * The 32-byte key from bytes, hex or base64 (trimmed); anything else is a `ValidationError`
 * (code `invalid_configuration`) whose message describes the value but never shows it.
 */
export function parseEncryptionKey(key: unknown): Buffer {
  const text = typeof key === "string" ? key.trim() : undefined;
  const bytes =
    key instanceof Uint8Array
      ? Buffer.from(key)
      : text === undefined
        ? undefined
        : /^[0-9a-f]{64}$/i.test(text)
          ? Buffer.from(text, "hex")
          : /^[A-Za-z0-9+/_-]{43}=?$/.test(text)
            ? Buffer.from(text, "base64")
            : undefined;
  if (bytes?.length === 32) return bytes;
  const got =
    text !== undefined
      ? `a string of ${text.length} characters`
      : key instanceof Uint8Array
        ? `${key.length} bytes`
        : key === null
          ? "null"
          : `a ${typeof key}`;
  throw configError(
    WHAT,
    `encryptionKey must be 32 bytes: 64 hex digits, base64 of 32 bytes or a Uint8Array (got ${got})`,
  );
}

/** The key of `encryptionKey`, `undefined` for an explicit `false`; unset is an error. */
function resolveEncryptionKey(key: unknown): Buffer | undefined {
  if (key === false) return undefined;
  if (key === undefined || (typeof key === "string" && key.trim() === ""))
    throw configError(
      WHAT,
      "encryptionKey is required (is its environment variable set?); pass encryptionKey: false " +
        "to store tokens in plain text",
    );
  return parseEncryptionKey(key);
}

/** What `get` throws for a value it cannot read: see `UNREADABLE_VALUE` (token-store.ts). */
function unreadable(keyed: boolean): Error {
  return Object.assign(
    new Error(
      keyed
        ? "stored value could not be decrypted (written with another encryptionKey, or altered)"
        : "stored value is encrypted but this store has encryptionKey: false",
    ),
    { code: UNREADABLE_VALUE },
  );
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
 * hashed and its values encrypted with `encryptionKey` (required; `false` for plain JSON). A
 * value that fails authentication (tampered, or written with another key) makes `get` throw
 * an error with code `UNREADABLE_VALUE`: the client reports it and fetches on its own without
 * overwriting it (see {@link SecureStoreOptions.encryptionKey}).
 *
 * The result is a {@link TokenStore} too: give it to the client as
 * `createCybridId({ store: secureTokenStore(myStore, { encryptionKey }) })`.
 *
 * @throws ValidationError (code `invalid_configuration`) for a missing or malformed
 * `encryptionKey`, or for `timeout` or `lockTtl` (store options of earlier builds, now the
 * client's `storeTimeout` and `storeLockTtl`).
 */
export function secureTokenStore(inner: TokenStore, options: SecureStoreOptions = {}): TokenStore {
  if (!hasMethods(inner, ["get", "set", "acquire", "release"]))
    throw configError(WHAT, "store must be a TokenStore (get, set, acquire and release)");
  checkStoreOptions(options);
  const prefix = options.keyPrefix ?? "cybrid-id:";
  const key = resolveEncryptionKey(options.encryptionKey);
  const valueKey = (logical: string) => hashKey(logical, prefix);
  return {
    async get(logical) {
      const at = valueKey(logical);
      const value = await inner.get(at);
      if (typeof value !== "string") return value;
      // A sealed value in a plaintext store is another process's token, not garbage to replace.
      if (key === undefined) {
        if (value.startsWith(FORMAT)) throw unreadable(false);
        return value;
      }
      try {
        return open(key, value, at);
      } catch {
        throw unreadable(true);
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
