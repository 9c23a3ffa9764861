/**
 * redisTokenStore's `flavor` against a real redis-server: what each adapter does on the other
 * library's client (why a flavor the client plainly contradicts is refused), the refusal itself
 * for every kind of client of both libraries, and a wrapper that detection cannot see, which an
 * explicit flavor must still serve.
 */
import { Cluster, Redis } from "ioredis";
import { createClient, createClientPool, createCluster } from "redis";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ValidationError } from "../../src/index.js";
import { redisTokenStore, type IoRedisLike } from "../../src/redis/index.js";
import { ioredisStore, nodeRedisStore } from "../../src/redis/adapters.js";
import { hashKey } from "../../src/redis/secure-store.js";
import { thrownBy } from "../helpers/client-harness.js";
import { describeRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

const ENCRYPTION_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describeRedis("redisTokenStore flavor", () => {
  let server: RedisServer;
  let ioredis: Redis;
  let nodeRedis: ReturnType<typeof createClient>;

  beforeAll(async () => {
    server = await startRedis();
    ioredis = new Redis(server.port, "127.0.0.1");
    nodeRedis = createClient({ url: server.url });
    nodeRedis.on("error", () => undefined);
    await nodeRedis.connect();
  });
  afterAll(async () => {
    ioredis?.disconnect();
    await nodeRedis?.close?.();
    await server?.stop();
  });

  it("the ioredis adapter on a node-redis client: a plain SET, no lock, no expiry", async () => {
    // What flavor "ioredis" on a node-redis client did: node-redis reads the trailing
    // "PX", ms, "NX" of set() as nothing and sends SET key value.
    const store = ioredisStore(nodeRedis as never);
    expect(await store.acquire("wrong-io", "fence-a", 5_000)).toBe(true);
    expect(await store.acquire("wrong-io", "fence-b", 5_000)).toBe(true); // two holders
    expect(await ioredis.pttl("wrong-io:lock")).toBe(-1); // never expires
    await store.set("wrong-io", "value", 5_000);
    expect(await ioredis.pttl("wrong-io")).toBe(-1); // Redis fills up
    await expect(store.release("wrong-io", "fence-b")).rejects.toThrow();
    expect(await ioredis.get("wrong-io:lock")).toBe("fence-b"); // not released
  });

  it("the node-redis adapter on an ioredis client: every SET and EVAL fails", async () => {
    const store = nodeRedisStore(ioredis as never);
    await expect(store.set("wrong-nr", "value", 5_000)).rejects.toThrow(/syntax error/);
    await expect(store.acquire("wrong-nr", "fence-a", 5_000)).rejects.toThrow(/syntax error/);
    await expect(store.release("wrong-nr", "fence-a")).rejects.toThrow();
    expect(await ioredis.exists("wrong-nr", "wrong-nr:lock")).toBe(0);
  });

  it.each([
    ["createClient(), connected", () => nodeRedis],
    ["createClient(), not connected", () => createClient({ url: server.url })],
    ["createClientPool()", () => createClientPool({ url: server.url })],
    ["createCluster()", () => createCluster({ rootNodes: [{ url: server.url }] })],
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
    ["Redis", () => ioredis],
    ["Redis, lazyConnect", () => new Redis(server.port, "127.0.0.1", { lazyConnect: true })],
    ["Cluster", () => new Cluster([{ port: server.port }], { lazyConnect: true })],
  ])('flavor "node-redis" on an ioredis client (%s) is refused, saying what it saw', (_, make) => {
    const error = thrownBy(() =>
      redisTokenStore(make() as never, { encryptionKey: ENCRYPTION_KEY, flavor: "node-redis" }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "invalid_configuration" });
    expect(error.message).toContain('flavor is "node-redis"');
    expect(error.message).toContain("ioredis (defineCommand and status, no isOpen)");
  });

  it("each client with its own flavor, said or detected, is accepted", () => {
    for (const options of [{}, { flavor: "ioredis" as const }])
      redisTokenStore(ioredis, { encryptionKey: false, ...options });
    for (const options of [{}, { flavor: "node-redis" as const }])
      redisTokenStore(nodeRedis, { encryptionKey: false, ...options });
  });

  it("a wrapper that detection cannot see is served by its explicit flavor", async () => {
    // Only what the store calls: no defineCommand, so detection alone would pick node-redis.
    const wrapper: IoRedisLike = {
      get: (key) => ioredis.get(key),
      set: (...args: [string, string, "PX", number, "NX"?]) =>
        (ioredis.set as (...a: unknown[]) => Promise<unknown>)(...args),
      eval: (script, numKeys, ...args) => ioredis.eval(script, numKeys, ...args),
    };
    const store = redisTokenStore(wrapper, {
      keyPrefix: "wrapped:",
      encryptionKey: false,
      flavor: "ioredis",
    });
    await store.set("k", "value", 5_000);
    expect(await store.get("k")).toBe("value");
    expect(await ioredis.pttl(hashKey("k", "wrapped:"))).toBeGreaterThan(0);
    expect(await store.acquire("k", "fence-a", 5_000)).toBe(true);
    expect(await store.acquire("k", "fence-b", 5_000)).toBe(false);
    await store.release("k", "fence-a");
    expect(await store.acquire("k", "fence-b", 5_000)).toBe(true);
  });

  it("a flavor that is neither ioredis nor node-redis is refused, not guessed", () => {
    for (const flavor of ["iorediss", "redis", "", 1]) {
      const error = thrownBy(() =>
        redisTokenStore(ioredis, { encryptionKey: ENCRYPTION_KEY, flavor: flavor as "ioredis" }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "invalid_configuration" });
      expect(error.message).toContain('flavor must be "ioredis" or "node-redis"');
    }
  });
});
