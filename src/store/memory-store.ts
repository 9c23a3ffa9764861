/** `MemoryTokenStore`: a {@link TokenStore} in this process's memory. */
import type { TokenStore } from "../config/token-store.js";
import { monotonicNow } from "../retry/timers.js";
import { ExpiringMap } from "./expiring-map.js";
import { checkStoreOptions } from "./store-options.js";

/**
 * A value or a lock, until its TTL ends. On `monotonicNow()`'s clock: a TTL is a duration, so a
 * step of the wall clock neither frees a lock early (forward: a second holder, a second token
 * request) nor keeps a lock or value for the length of the step (back). What a value says of
 * its own times is not the store's.
 */
interface Entry {
  value: string;
  until: number;
}

/**
 * A {@link TokenStore} in this process's memory: for tests, and for several clients in one
 * process (per-request or per-tenant clients with the same credentials) that should share
 * tokens. It does not coordinate separate processes: use a shared store for that.
 *
 * ```ts
 * import { createCybridId } from "cybrid-id";
 * import { MemoryTokenStore } from "cybrid-id/store";
 *
 * const store = new MemoryTokenStore();
 * // One token (and one token request per refresh) for both clients.
 * const a = createCybridId({ store });
 * const b = createCybridId({ store, logger: "debug" });
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  // Swept as they grow: a long-running process with ever new customers holds only live ones.
  readonly #values = new ExpiringMap<string, Entry>(monotonicNow);
  readonly #locks = new ExpiringMap<string, Entry>(monotonicNow);

  /**
   * The store has no options: how clients use it is set on the client.
   * @throws ValidationError (code `invalid_configuration`) for `timeout` or `lockTtl`, which it
   * took in earlier builds: now the client's `storeTimeout` and `storeLockTtl`.
   */
  constructor(options?: Record<string, never>) {
    checkStoreOptions(options);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#values.get(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#values.set(key, { value, until: monotonicNow() + ttlMs });
  }

  async acquire(key: string, fence: string, ttlMs: number): Promise<boolean> {
    if (this.#locks.has(key)) return false;
    this.#locks.set(key, { value: fence, until: monotonicNow() + ttlMs });
    return true;
  }

  async release(key: string, fence: string): Promise<void> {
    if (this.#locks.get(key)?.value === fence) this.#locks.delete(key);
  }

  /** How many values and locks it holds (expired ones are swept as it grows), for monitoring. */
  get size(): number {
    return this.#values.size + this.#locks.size;
  }

  /** Drops every value and lock. */
  clear(): void {
    this.#values.clear();
    this.#locks.clear();
  }
}
