/**
 * The contract of shared token stores: the public {@link TokenStore} a user implements (or
 * takes from `cybrid-id/store` and `cybrid-id/redis`), and the internal types of the fleet
 * protocol that runs on top of it (shared-store.ts).
 *
 * A store is what lets a fleet of processes mint one token per refresh instead of one per
 * process: they read the token there first, and a short lock decides which one of them asks
 * the server for the next.
 *
 * The engine hands a store opaque, logical keys (base URL, client id, token kind and scope set:
 * never the secret). Adapters for shared infrastructure should hash them and may encrypt
 * values (`cybrid-id/redis` does both), because an access token in a shared cache is a
 * credential.
 */
import { ERROR_CODES } from "../errors/error-codes.js";

/**
 * Where tokens are shared between processes (Redis, Memcached, a database): four raw
 * operations, for the client's `store` option. Every method may be slow or fail: the client
 * bounds each call with its `storeTimeout` and falls back to fetching on its own, so an
 * implementation should simply throw (or reject) when it cannot answer.
 */
export interface TokenStore {
  /**
   * The value stored under `key`, or `undefined`/`null` when there is none (or it expired).
   * A value that is there but cannot be read by this process (encrypted with another key)
   * should throw an error whose `code` is `UNREADABLE_VALUE` (`cybrid-id/store`): the client
   * reports it and fetches on its own, without taking the lock or overwriting the value.
   */
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

/**
 * The `code` of the error a `TokenStore.get` throws for a value that is there but that this
 * process cannot read (encrypted with another key): reported, then left alone. A string, not a
 * class, so that it survives separate bundles of the entries.
 */
export const UNREADABLE_VALUE = ERROR_CODES.STORE_VALUE_UNREADABLE;

/** The client's store and how it uses it (the `store`, `storeTimeout`, `storeLockTtl` options). */
export interface StoreSettings {
  store: TokenStore;
  /** Bound on each store call (ms). */
  timeoutMs: number;
  /** Lifetime of a refresh lock (ms): how long a crashed holder can block the others. */
  lockTtlMs: number;
}
