/**
 * The two Redis adapters of `cybrid-id/redis`, one per client library, and the shapes of the
 * clients they take. Each speaks its library's calling convention for the same three commands
 * (GET, SET with PX and NX, EVAL); neither library is imported.
 */
import type { TokenStore } from "../config/token-store.js";

/** The part of an ioredis client (`Redis` or `Cluster`) that the store uses. */
export interface IoRedisLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  set(key: string, value: string, px: "PX", ms: number, nx: "NX"): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
  /**
   * ioredis has it and node-redis does not: this is how the two are told apart. A wrapper
   * without it passes `flavor: "ioredis"`.
   */
  defineCommand?(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** The part of a node-redis v4+ client (`createClient()`) that the store uses. */
export interface NodeRedisLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export type RedisClientLike = IoRedisLike | NodeRedisLike;

export type Flavor = "ioredis" | "node-redis";

/**
 * The library a client plainly comes from, and the signs that said so; `undefined` when it
 * shows neither's, as a wrapper with only the methods the store calls does (an explicit
 * `flavor` is for those, so they are never second-guessed). The signs are ones the real
 * clients carry whether connected or not: ioredis' `Redis` and `Cluster` have `defineCommand`
 * and a `status` string and no `isOpen`; node-redis' `createClient`, `createClientPool`,
 * `createCluster` and `createSentinel` have an `isOpen` boolean and `sendCommand` and no
 * `defineCommand`. The two sets exclude each other.
 */
export function evidentFlavor(client: object): { flavor: Flavor; signs: string } | undefined {
  const { defineCommand, status, isOpen, sendCommand } = client as Record<string, unknown>;
  if (typeof defineCommand === "function" && typeof status === "string" && isOpen === undefined)
    return { flavor: "ioredis", signs: "defineCommand and status, no isOpen" };
  if (
    typeof isOpen === "boolean" &&
    typeof sendCommand === "function" &&
    defineCommand === undefined
  )
    return { flavor: "node-redis", signs: "isOpen and sendCommand, no defineCommand" };
  return undefined;
}

/** What the other library's adapter does to an evident client, against a real Redis. */
export const MISMATCH: Readonly<Record<Flavor, string>> = {
  // node-redis v4+ reads set()'s trailing "PX", ms, "NX" as nothing: a plain SET.
  "node-redis": 'its set() would ignore "PX" and "NX" (no lock would exclude, no key would expire)',
  // ioredis sends the options objects as arguments: Redis refuses SET and EVAL so written.
  ioredis: "its set() and eval() would fail on every call (nothing would be shared)",
};

/** Deletes the lock only if it still holds our fence value: one atomic step in Redis. */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) end return 0`;

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

export function ioredisStore(client: IoRedisLike): TokenStore {
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

export function nodeRedisStore(client: NodeRedisLike): TokenStore {
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
