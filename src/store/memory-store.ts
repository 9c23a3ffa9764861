/** `MemoryTokenStore`: a {@link TokenStore} in this process's memory. */
import type { TokenStore } from "../config/token-store.js";
import { monotonicNow } from "../retry/timers.js";
import { checkStoreOptions } from "./store-options.js";

interface Entry {
  value: string;
  /**
   * On `monotonicNow()`'s clock: a TTL is a duration, so a step of the wall clock neither frees
   * a lock early (forward: a second holder, a second token request) nor keeps a lock or value
   * for the length of the step (back). What a value says of its own times is not the store's.
   */
  expiresAt: number;
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
  readonly #values = new Map<string, Entry>();
  readonly #locks = new Map<string, Entry>();

  /**
   * The store has no options: how clients use it is set on the client.
   * @throws ValidationError (code `invalid_configuration`) for `timeout` or `lockTtl`, which it
   * took in earlier builds: now the client's `storeTimeout` and `storeLockTtl`.
   */
  constructor(options?: Record<string, never>) {
    checkStoreOptions(options);
  }

  async get(key: string): Promise<string | undefined> {
    return live(this.#values, key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#values.set(key, { value, expiresAt: monotonicNow() + ttlMs });
  }

  async acquire(key: string, fence: string, ttlMs: number): Promise<boolean> {
    if (live(this.#locks, key) !== undefined) return false;
    this.#locks.set(key, { value: fence, expiresAt: monotonicNow() + ttlMs });
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
  if (entry.expiresAt > monotonicNow()) return entry;
  map.delete(key);
  return undefined;
}
