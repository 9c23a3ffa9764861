/**
 * `cybrid-id/store`: shared token stores, for fleets of processes (or several clients of one
 * process) that should mint one token per refresh. Platform neutral, like the main entry.
 *
 * ```ts
 * import { createCybridId } from "cybrid-id";
 * import { MemoryTokenStore, sharedTokenStore } from "cybrid-id/store";
 *
 * const inProcess = createCybridId({ store: new MemoryTokenStore() });
 * const custom = createCybridId({ store: sharedTokenStore(myTokenStore, { timeout: 250 }) });
 * ```
 *
 * Redis: `redisTokenStore` from `cybrid-id/redis`.
 *
 * @packageDocumentation
 */
export type { SharedTokenStore, TokenStore } from "./token-store.js";
export { sharedTokenStore, type SharedTokenStoreOptions } from "./shared-store.js";
export { MemoryTokenStore } from "./memory-store.js";
export { UNREADABLE_VALUE } from "./shared-fetch.js";
