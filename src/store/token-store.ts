/**
 * The contract of a shared token store, and the in-memory implementation. A store is what lets
 * a fleet of processes mint one token per refresh instead of one per process: they read the
 * token there first, and a short lock decides which one of them asks the server for the next.
 *
 * The engine hands a store opaque, logical keys (base URL, client id, token kind and scope set:
 * never the secret). Adapters for shared infrastructure should hash them and may encrypt
 * values (`cybrid-id/redis` does both), because an access token in a shared cache is a
 * credential.
 */

/**
 * Where tokens are shared between processes (Redis, Memcached, a database). Every method may
 * be slow or fail: the client bounds each call with `storeTimeout` and falls back to fetching
 * on its own, so an implementation should simply throw (or reject) when it cannot answer.
 */
export interface TokenStore {
  /** The value stored under `key`, or `undefined`/`null` when there is none (or it expired). */
  get(key: string): Promise<string | null | undefined>;
  /** Stores `value` under `key`, replacing any previous value; it expires after `ttlMs`. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Takes the refresh lock of `key` if nobody holds it: `true` when taken. The lock expires by
   * itself after `ttlMs`, so a crashed holder blocks the others for at most that long. Locks
   * live apart from values: `acquire(k)` must not touch the value of `get(k)`.
   */
  acquire(key: string, fence: string, ttlMs: number): Promise<boolean>;
  /**
   * Releases the lock of `key` only if it still holds `fence` (the value given to `acquire`):
   * a holder whose lock expired must not release the lock its successor took meanwhile.
   */
  release(key: string, fence: string): Promise<void>;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * A {@link TokenStore} in this process's memory: for tests, and for several clients in one
 * process (per-request or per-tenant clients with the same credentials) that should share
 * tokens. It does not coordinate separate processes: use a shared store for that.
 */
export class MemoryTokenStore implements TokenStore {
  readonly #values = new Map<string, Entry>();
  readonly #locks = new Map<string, Entry>();

  async get(key: string): Promise<string | undefined> {
    return live(this.#values, key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#values.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  async acquire(key: string, fence: string, ttlMs: number): Promise<boolean> {
    if (live(this.#locks, key) !== undefined) return false;
    this.#locks.set(key, { value: fence, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async release(key: string, fence: string): Promise<void> {
    if (live(this.#locks, key)?.value === fence) this.#locks.delete(key);
  }

  /** Drops every value and lock. */
  clear(): void {
    this.#values.clear();
    this.#locks.clear();
  }
}

/** The entry if it has not expired; an expired one is deleted (entries expire lazily). */
function live(map: Map<string, Entry>, key: string): Entry | undefined {
  const entry = map.get(key);
  if (entry === undefined) return undefined;
  if (entry.expiresAt > Date.now()) return entry;
  map.delete(key);
  return undefined;
}
