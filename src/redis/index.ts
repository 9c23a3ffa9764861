/**
 * `cybrid-id/redis`: a shared token store over a Redis client you already have. ioredis and
 * node-redis (v4 and later) are both supported through the few methods used (GET, SET with PX
 * and NX, EVAL); neither is a dependency of this package.
 *
 * ```ts
 * import Redis from "ioredis";
 * import { createCybridId } from "cybrid-id";
 * import { redisTokenStore } from "cybrid-id/redis";
 *
 * const cybrid = createCybridId({
 *   store: redisTokenStore(new Redis(process.env.REDIS_URL), {
 *     encryptionKey: process.env.CYBRID_TOKEN_KEY, // 64 hex digits; unset: throws
 *   }),
 *   storeTimeout: 250, // how the client uses the store: the client's options
 * });
 * ```
 *
 * @packageDocumentation
 */
import type { TokenStore } from "../config/token-store.js";
import { hasMethods } from "../config/option-checks.js";
import { configError } from "../errors/config-error.js";
import { checkStoreOptions } from "../store/store-options.js";
import {
  evidentFlavor,
  ioredisStore,
  MISMATCH,
  nodeRedisStore,
  type IoRedisLike,
  type NodeRedisLike,
  type RedisClientLike,
} from "./adapters.js";
import { secureTokenStore, WHAT, type SecureStoreOptions } from "./secure-store.js";

export { secureTokenStore, type SecureStoreOptions } from "./secure-store.js";
export type { TokenStore } from "../config/token-store.js";
export type { IoRedisLike, NodeRedisLike, RedisClientLike } from "./adapters.js";

/**
 * Options of {@link redisTokenStore}: key and value protection ({@link SecureStoreOptions}) and
 * the client library. How the clients use the store (call timeout, lock lifetime) is set on
 * the client: `storeTimeout` and `storeLockTtl` of `createCybridId`.
 */
export interface RedisTokenStoreOptions extends SecureStoreOptions {
  /**
   * Which client library `client` comes from; detected from its methods when omitted
   * (ioredis has `defineCommand`, node-redis does not). Say it for a wrapper that detection
   * cannot see (one with only `get`, `set` and `eval`). A flavor that the client plainly
   * contradicts is refused: `"ioredis"` for a node-redis client (`isOpen` and `sendCommand`, no
   * `defineCommand`), whose SET would ignore PX and NX (no lock, no expiry), and
   * `"node-redis"` for an ioredis `Redis` or `Cluster` (`defineCommand` and `status`, no
   * `isOpen`), on which every SET and EVAL would fail.
   * @default detected
   */
  flavor?: "ioredis" | "node-redis";
}

const FLAVORS: readonly unknown[] = ["ioredis", "node-redis"];

/**
 * A {@link TokenStore} in Redis, for the client's `store` option. Keys are `keyPrefix` +
 * SHA-256 of the base URL, client id, tag of the secret, token kind, scope set, and the token
 * path (bank tokens) or customer (customer tokens); locks add `:lock`. Values are encrypted
 * with AES-256-GCM under `encryptionKey` (required; `false` stores plain JSON). Give the client an `error` listener (node-redis throws without
 * one) and let it reconnect: while Redis is unreachable, cybrid-id fetches on its own and says so.
 *
 * The same as `secureTokenStore(<the Redis adapter>, options)`.
 *
 * @throws ValidationError (code `invalid_configuration`) for an `encryptionKey` that is missing
 * (`undefined`: pass `false` for plaintext) or not 32 bytes, and for `timeout` or `lockTtl`
 * (its options in earlier builds, now the client's `storeTimeout` and `storeLockTtl`), and
 * for a `flavor` other than `"ioredis"` or `"node-redis"` or one that `client` plainly
 * contradicts.
 */
export function redisTokenStore(
  client: RedisClientLike,
  options: RedisTokenStoreOptions = {},
): TokenStore {
  if (!hasMethods(client, ["get", "set", "eval"]))
    throw configError(WHAT, "client must be an ioredis or node-redis client (get, set and eval)");
  checkStoreOptions(options);
  // A typo would quietly pick the other library's adapter: refused, not guessed.
  if (options.flavor !== undefined && !FLAVORS.includes(options.flavor))
    throw configError(WHAT, 'flavor must be "ioredis" or "node-redis" (or omitted: detected)');
  // A flavor is there for wrappers detection cannot see, so it is refused only against a
  // client that is plainly the other library's, which it breaks: silently on node-redis (no
  // lock, no expiry), on every write on ioredis.
  const evident = evidentFlavor(client);
  if (options.flavor !== undefined && evident !== undefined && evident.flavor !== options.flavor)
    throw configError(
      WHAT,
      `flavor is "${options.flavor}", but the client is plainly ${evident.flavor} ` +
        `(${evident.signs}): ${MISMATCH[evident.flavor]}. Omit flavor (detected) or pass "${evident.flavor}"`,
    );
  const flavor =
    options.flavor ??
    (typeof (client as Partial<IoRedisLike>).defineCommand === "function"
      ? "ioredis"
      : "node-redis");
  const raw =
    flavor === "ioredis"
      ? ioredisStore(client as IoRedisLike)
      : nodeRedisStore(client as NodeRedisLike);
  return secureTokenStore(raw, options);
}
