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
import { configError } from "../errors/config-error.js";
import { secureTokenStore, WHAT, type SecureStoreOptions } from "./secure-store.js";

export { secureTokenStore, type SecureStoreOptions } from "./secure-store.js";
export type { TokenStore } from "../config/token-store.js";

/** The part of an ioredis client (`Redis` or `Cluster`) that the store uses. */
export interface IoRedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  /** ioredis has it and node-redis does not: this is how the two are told apart. */
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** The part of a node-redis v4+ client (`createClient()`) that the store uses. */
export interface NodeRedisLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export type RedisClientLike = IoRedisLike | NodeRedisLike;

/**
 * Options of {@link redisTokenStore}: key and value protection ({@link SecureStoreOptions}) and
 * the client library. How the clients use the store (call timeout, lock lifetime) is set on
 * the client: `storeTimeout` and `storeLockTtl` of `createCybridId`.
 */
export interface RedisTokenStoreOptions extends SecureStoreOptions {
  /**
   * Which client library `client` comes from; detected from its methods when omitted
   * (ioredis has `defineCommand`, node-redis does not).
   * @default detected
   */
  flavor?: "ioredis" | "node-redis";
}

/** Deletes the lock only if it still holds our fence value: one atomic step in Redis. */
const FLAVORS: readonly unknown[] = ["ioredis", "node-redis"];

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;

/**
 * A {@link TokenStore} in Redis, for the client's `store` option. Keys are `keyPrefix` +
 * SHA-256 of the base URL, client id, tag of the secret, token kind, scope set and customer
 * (locks add `:lock`); values are encrypted with AES-256-GCM under `encryptionKey` (required;
 * `false` stores plain JSON). Give the client an `error` listener (node-redis throws without
 * one) and let it reconnect: while Redis is unreachable, cybrid-id fetches on its own and says so.
 *
 * The same as `secureTokenStore(<the Redis adapter>, options)`.
 *
 * @throws ValidationError (code `invalid_configuration`) for an `encryptionKey` that is missing
 * (`undefined`: pass `false` for plaintext) or not 32 bytes, and for `timeout` or `lockTtl`
 * (its options before v2, now the client's `storeTimeout` and `storeLockTtl`), and for a
 * `flavor` other than `"ioredis"` or `"node-redis"`.
 */
export function redisTokenStore(
  client: RedisClientLike,
  options: RedisTokenStoreOptions = {},
): TokenStore {
  // A typo would quietly pick the other library's adapter: refused, not guessed.
  if (options.flavor !== undefined && !FLAVORS.includes(options.flavor))
    throw configError(WHAT, 'flavor must be "ioredis" or "node-redis" (or omitted: detected)');
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

// Redis wants whole milliseconds, at least one.
const ms = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs));
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/**
 * Rethrows an ioredis error without the arguments ioredis puts on it (`command.args`): those of
 * a SET hold the stored value, a plaintext token with `encryptionKey: false`, and the error
 * reaches the application through `onStoreError`.
 */
function withoutArgs(error: unknown): never {
  const command = (error as { command?: { args?: unknown } } | null)?.command;
  if (typeof command === "object" && command !== null) delete command.args;
  throw error;
}

function ioredisStore(client: IoRedisLike): TokenStore {
  return {
    get: async (key) => text(await client.get(key)),
    set: async (key, value, ttlMs) => {
      await client.set(key, value, "PX", ms(ttlMs)).catch(withoutArgs);
    },
    acquire: async (key, fence, ttlMs) =>
      (await client.set(`${key}:lock`, fence, "PX", ms(ttlMs), "NX")) === "OK",
    release: async (key, fence) => {
      await client.eval(RELEASE, 1, `${key}:lock`, fence);
    },
  };
}

function nodeRedisStore(client: NodeRedisLike): TokenStore {
  return {
    get: async (key) => text(await client.get(key)),
    set: async (key, value, ttlMs) => {
      await client.set(key, value, { PX: ms(ttlMs) });
    },
    acquire: async (key, fence, ttlMs) =>
      (await client.set(`${key}:lock`, fence, { PX: ms(ttlMs), NX: true })) === "OK",
    release: async (key, fence) => {
      await client.eval(RELEASE, { keys: [`${key}:lock`], arguments: [fence] });
    },
  };
}
