/**
 * redisTokenStore's `flavor` against a real redis-server: what each adapter does on the other
 * library's client (why a flavor the client plainly contradicts is refused), the refusal itself
 * for every kind of client of both libraries, and a wrapper that detection cannot see, which an
 * explicit flavor must still serve.
 */
import { Cluster, Redis } from "ioredis";
import { createClient, createClientPool, createCluster } from "redis";
import { expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { redisTokenStore, type IoRedisLike } from "../../src/redis/index.js";
import { ioredisStore, nodeRedisStore } from "../../src/redis/adapters.js";
import { hashKey } from "../../src/redis/secure-store.js";
import { thrownBy } from "../helpers/client-harness.js";
import { useRedisClients } from "../helpers/redis-clients.js";
import { describeRedis } from "../helpers/redis-server.js";

const ENCRYPTION_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describeRedis("redisTokenStore flavor", () => {
  const redis = useRedisClients();

  it("the redis.ioredis adapter on a node-redis client: a plain SET, no lock, no expiry", async () => {
    // What flavor "ioredis" on a node-redis client did: node-redis reads the trailing
    // "PX", ms, "NX" of set() as nothing and sends SET key value.
    const store = ioredisStore(redis.nodeRedis as never);
    expect(await store.acquire("wrong-io", "fence-a", 5_000)).toBe(true);
    expect(await store.acquire("wrong-io", "fence-b", 5_000)).toBe(true); // two holders
    expect(await redis.ioredis.pttl("wrong-io:lock")).toBe(-1); // never expires
    await store.set("wrong-io", "value", 5_000);
    expect(await redis.ioredis.pttl("wrong-io")).toBe(-1); // Redis fills up
    await expect(store.release("wrong-io", "fence-b")).rejects.toThrow();
    expect(await redis.ioredis.get("wrong-io:lock")).toBe("fence-b"); // not released
  });

  it("the node-redis adapter on an redis.ioredis client: every SET and EVAL fails", async () => {
    const store = nodeRedisStore(redis.ioredis as never);
    await expect(store.set("wrong-nr", "value", 5_000)).rejects.toThrow(/syntax error/);
    await expect(store.acquire("wrong-nr", "fence-a", 5_000)).rejects.toThrow(/syntax error/);
    await expect(store.release("wrong-nr", "fence-a")).rejects.toThrow();
    expect(await redis.ioredis.exists("wrong-nr", "wrong-nr:lock")).toBe(0);
  });

  it.each([
    ["createClient(), connected", () => redis.nodeRedis],
    ["createClient(), not connected", () => createClient({ url: redis.server.url })],
    ["createClientPool()", () => createClientPool({ url: redis.server.url })],
    ["createCluster()", () => createCluster({ rootNodes: [{ url: redis.server.url }] })],
  ])('flavor "ioredis" on a node-redis client (%s) is refused, saying what it saw', (_, make) => {
    const error = thrownBy(() =>
      redisTokenStore(make() as never, { encryptionKey: ENCRYPTION_KEY, flavor: "ioredis" }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "invalid_configuration" });
    expect(error.message).toContain('flavor is "ioredis"');
    expect(error.message).toContain("node-redis (isOpen and sendCommand, no defineCommand)");
    expect(error.message).not.toContain(ENCRYPTION_KEY);
  });

  it.each([
    ["Redis", () => redis.ioredis],
    ["Redis, lazyConnect", () => new Redis(redis.server.port, "127.0.0.1", { lazyConnect: true })],
    ["Cluster", () => new Cluster([{ port: redis.server.port }], { lazyConnect: true })],
  ])(
    'flavor "node-redis" on an redis.ioredis client (%s) is refused, saying what it saw',
    (_, make) => {
      const error = thrownBy(() =>
        redisTokenStore(make() as never, { encryptionKey: ENCRYPTION_KEY, flavor: "node-redis" }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "invalid_configuration" });
      expect(error.message).toContain('flavor is "node-redis"');
      expect(error.message).toContain("ioredis (defineCommand and status, no isOpen)");
    },
  );

  it("each client with its own flavor, said or detected, is accepted", () => {
    for (const options of [{}, { flavor: "ioredis" as const }])
      redisTokenStore(redis.ioredis, { encryptionKey: false, ...options });
    for (const options of [{}, { flavor: "node-redis" as const }])
      redisTokenStore(redis.nodeRedis, { encryptionKey: false, ...options });
  });

  it("a wrapper that detection cannot see is served by its explicit flavor", async () => {
    // Only what the store calls: no defineCommand, so detection alone would pick node-redis.
    const wrapper: IoRedisLike = {
      get: (key) => redis.ioredis.get(key),
      set: (...args: [string, string, "PX", number, "NX"?]) =>
        (redis.ioredis.set as (...a: unknown[]) => Promise<unknown>)(...args),
      eval: (script, numKeys, ...args) => redis.ioredis.eval(script, numKeys, ...args),
    };
    const store = redisTokenStore(wrapper, {
      keyPrefix: "wrapped:",
      encryptionKey: false,
      flavor: "ioredis",
    });
    await store.set("k", "value", 5_000);
    expect(await store.get("k")).toBe("value");
    expect(await redis.ioredis.pttl(hashKey("k", "wrapped:"))).toBeGreaterThan(0);
    expect(await store.acquire("k", "fence-a", 5_000)).toBe(true);
    expect(await store.acquire("k", "fence-b", 5_000)).toBe(false);
    await store.release("k", "fence-a");
    expect(await store.acquire("k", "fence-b", 5_000)).toBe(true);
  });

  it("a flavor that is neither redis.ioredis nor node-redis is refused, not guessed", () => {
    for (const flavor of ["iorediss", "redis", "", 1]) {
      const error = thrownBy(() =>
        redisTokenStore(redis.ioredis, {
          encryptionKey: ENCRYPTION_KEY,
          flavor: flavor as "ioredis",
        }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "invalid_configuration" });
      expect(error.message).toContain('flavor must be "ioredis" or "node-redis"');
    }
  });
});
