/**
 * `sharedTokenStore()`: any {@link TokenStore} plus the fleet protocol (shared-fetch.ts), as
 * the client's `store` option takes it. The protocol's settings belong to the store rather
 * than to the client, so that the main entry carries neither the protocol nor its options.
 */
import { numberOption } from "../errors/config-error.js";
import { createSharedStore } from "./shared-fetch.js";
import type { SharedTokenStore, TokenStore } from "./token-store.js";

/** Heads the message of every configuration error thrown here. */
const WHAT = "Invalid token store configuration";

/** Options of {@link sharedTokenStore} (and of `MemoryTokenStore` and `redisTokenStore`). */
export interface SharedTokenStoreOptions {
  /**
   * Bound in ms on each call to the store; past it the client fetches on its own (and skips
   * the store for a while, with a warning and `onStoreError`). An integer up to 2^31-1.
   * @default 250
   */
  timeout?: number;
  /**
   * Lifetime in ms of the lock a process holds while it fetches a token for the fleet. Another
   * process takes over when its holder crashed, at most this long after; a fetch that takes
   * longer than this may be duplicated by another process (harmless, one more token request).
   * An integer, at least 1 and up to 2^31-1.
   * @default 10_000
   */
  lockTtl?: number;
}

/** The checked settings of a shared store, in the names the protocol uses. */
export interface StoreSettings {
  timeoutMs: number;
  lockTtlMs: number;
}

/**
 * Checks the options and applies the defaults; throws a `ValidationError` (code
 * `invalid_configuration`) at construction, as `createCybridId` does for its own options,
 * rather than failing on the first token request.
 */
export function resolveStoreOptions(options: SharedTokenStoreOptions = {}): StoreSettings {
  return {
    timeoutMs: numberOption(options.timeout, 250, "timeout", 0, WHAT),
    lockTtlMs: numberOption(options.lockTtl, 10_000, "lockTtl", 1, WHAT),
  };
}

/**
 * Makes a {@link TokenStore} usable as the client's `store` option: the clients that share it
 * read tokens from it, take turns refreshing them under its lock, and bypass it while it is
 * slow or failing. The result is a {@link TokenStore} too: its four methods are the inner
 * store's.
 *
 * ```ts
 * import { createCybridId } from "cybrid-id";
 * import { sharedTokenStore } from "cybrid-id/store";
 *
 * const cybrid = createCybridId({ store: sharedTokenStore(myStore, { timeout: 100 }) });
 * ```
 *
 * @throws ValidationError (code `invalid_configuration`) for a negative or non-finite
 * `timeout`, or a `lockTtl` below 1.
 */
export function sharedTokenStore(
  store: TokenStore,
  options?: SharedTokenStoreOptions,
): SharedTokenStore {
  const settings = resolveStoreOptions(options);
  // Calls, not bound references: a class-based store keeps its `this`.
  return {
    get: (key) => store.get(key),
    set: (key, value, ttlMs) => store.set(key, value, ttlMs),
    acquire: (key, fence, ttlMs) => store.acquire(key, fence, ttlMs),
    release: (key, fence) => store.release(key, fence),
    attach: (context) => createSharedStore({ ...context, ...settings, store }),
  };
}
