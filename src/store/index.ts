/**
 * `cybrid-id/store`: a token store in this process's memory, and the error code custom stores
 * use for a value they cannot read. Platform neutral, like the main entry. Any
 * {@link TokenStore} is the client's `store` option; the fleet protocol on top of it (and its
 * options `storeTimeout` and `storeLockTtl`) is the client's.
 *
 * ```ts
 * import { createCybridId } from "cybrid-id";
 * import { MemoryTokenStore } from "cybrid-id/store";
 *
 * const store = new MemoryTokenStore();
 * const [a, b] = [createCybridId({ store }), createCybridId({ store })];
 * ```
 *
 * Redis: `redisTokenStore` from `cybrid-id/redis`.
 *
 * @packageDocumentation
 */
export { UNREADABLE_VALUE, type TokenStore } from "../config/token-store.js";
export { MemoryTokenStore } from "./memory-store.js";
