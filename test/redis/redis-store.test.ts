/**
 * redisTokenStore against a real redis-server, through both client libraries: the same
 * contract as MemoryTokenStore (TTL, NX lock, fenced release), hashed keys, encrypted values.
 */
import { inspect } from "node:util";
import { expect, it, vi } from "vitest";
import { ValidationError } from "../../src/index.js";
import { redisTokenStore } from "../../src/redis/index.js";
import { hashKey } from "../../src/redis/secure-store.js";
import { UNREADABLE_VALUE } from "../../src/store/index.js";
import { clientFor, emulator, rejectionOf, sleep, thrownBy } from "../helpers/client-harness.js";
import { useRedisClients } from "../helpers/redis-clients.js";
import { describeRedis } from "../helpers/redis-server.js";

const KEY = JSON.stringify(["cybrid-id/v1", "bank", "https://id.example", "client", ""]);
const ENCRYPTION_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

describeRedis("redisTokenStore", () => {
  const redis = useRedisClients();

  const clients = () =>
    [
      ["ioredis", redis.ioredis],
      ["node-redis", redis.nodeRedis],
    ] as const;

  it.each(["ioredis", "node-redis"] as const)(
    "%s: get, set with TTL, fenced lock",
    async (name) => {
      const client = clients().find(([n]) => n === name)![1];
      const store = redisTokenStore(client, { keyPrefix: `test-${name}:`, encryptionKey: false });
      const key = `${KEY}-${name}`;
      expect(await store.get(key)).toBeUndefined();
      await store.set(key, "value-1", 300);
      expect(await store.get(key)).toBe("value-1");

      expect(await store.acquire(key, "fence-a", 300)).toBe(true);
      expect(await store.acquire(key, "fence-b", 300)).toBe(false);
      // The lock lives apart from the value.
      expect(await store.get(key)).toBe("value-1");
      await store.release(key, "fence-b"); // not the holder: no effect
      expect(await store.acquire(key, "fence-b", 300)).toBe(false);
      await store.release(key, "fence-a");
      expect(await store.acquire(key, "fence-b", 300)).toBe(true);

      await sleep(350);
      expect(await store.get(key)).toBeUndefined();
      // The expired lock is free again (a crashed holder is replaced).
      expect(await store.acquire(key, "fence-c", 300)).toBe(true);
    },
  );

  it("detects the client library from its methods, and both read what the other wrote", async () => {
    const a = redisTokenStore(redis.ioredis, { encryptionKey: ENCRYPTION_KEY });
    const b = redisTokenStore(redis.nodeRedis, { encryptionKey: ENCRYPTION_KEY });
    await a.set(KEY, "shared", 5_000);
    expect(await b.get(KEY)).toBe("shared");
    expect(await b.acquire(KEY, "f1", 5_000)).toBe(true);
    expect(await a.acquire(KEY, "f2", 5_000)).toBe(false);
    await a.release(KEY, "f1");
    expect(await b.acquire(KEY, "f3", 5_000)).toBe(true);
    await b.release(KEY, "f3");
  });

  it("stores under a hashed key, never the URL or client id", async () => {
    const store = redisTokenStore(redis.ioredis, { keyPrefix: "hashed:", encryptionKey: false });
    await store.set(KEY, "v", 5_000);
    const keys = await redis.ioredis.keys("hashed:*");
    expect(keys).toEqual([hashKey(KEY, "hashed:")]);
    expect(keys[0]).toMatch(/^hashed:[0-9a-f]{64}$/);
  });

  it("encrypts values: Redis holds no plaintext, a tampered value is refused as unreadable", async () => {
    const store = redisTokenStore(redis.nodeRedis, {
      keyPrefix: "enc:",
      encryptionKey: ENCRYPTION_KEY,
    });
    await store.set(KEY, "secret-access-token", 5_000);
    const raw = (await redis.ioredis.get(hashKey(KEY, "enc:")))!;
    expect(raw).not.toContain("secret-access-token");
    expect(await store.get(KEY)).toBe("secret-access-token");

    const bytes = Buffer.from(raw.slice(3), "base64");
    bytes[bytes.length - 1]! ^= 1;
    await redis.ioredis.set(hashKey(KEY, "enc:"), `v1.${bytes.toString("base64")}`);
    await expect(store.get(KEY)).rejects.toMatchObject({ code: UNREADABLE_VALUE });

    const other = redisTokenStore(redis.ioredis, {
      keyPrefix: "enc:",
      encryptionKey: "a".repeat(64),
    });
    await store.set(KEY, "secret-access-token", 5_000);
    await expect(other.get(KEY)).rejects.toMatchObject({ code: UNREADABLE_VALUE });
    // A store without a key does not mistake the sealed value for garbage to replace.
    const plain = redisTokenStore(redis.ioredis, { keyPrefix: "enc:", encryptionKey: false });
    await expect(plain.get(KEY)).rejects.toMatchObject({ code: UNREADABLE_VALUE });
  });

  it("one client id, two secrets: the wrong secret gets no token from Redis (its own 401)", async () => {
    const emu = await emulator();
    const options = { keyPrefix: "ns:", encryptionKey: ENCRYPTION_KEY };
    const overrides = { timeout: 15_000, deadline: 30_000, maxRetries: 0, storeTimeout: 5_000 };
    const good = clientFor(emu, { store: redisTokenStore(redis.ioredis, options), ...overrides });
    const token = await good.getToken();
    const intruder = clientFor(emu, {
      store: redisTokenStore(redis.nodeRedis, options),
      clientSecret: "a-wrong-secret-value",
      ...overrides,
    });
    const error = await rejectionOf(intruder.getToken());
    expect(error).toMatchObject({ status: 401 });
    expect(JSON.stringify(error)).not.toContain(token.accessToken);
    expect(emu.count("/oauth/token")).toBe(2);
    // The same secret still shares: no third request.
    const twin = clientFor(emu, { store: redisTokenStore(redis.nodeRedis, options), ...overrides });
    expect((await twin.getToken()).accessToken).toBe(token.accessToken);
    expect(emu.count("/oauth/token")).toBe(2);

    const keys = await redis.ioredis.keys("ns:*");
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      // A hash only: no secret, client id, URL or tag (the hash input) in the key.
      expect(key).toMatch(/^ns:[0-9a-f]{64}(:lock)?$/);
      for (const secret of [emu.clientSecret, "a-wrong-secret-value", emu.clientId, emu.url])
        expect(key).not.toContain(secret);
      expect(String(await redis.ioredis.get(key))).not.toContain(emu.clientSecret);
    }
  });

  it.each(["ioredis", "node-redis"] as const)(
    "%s: a refused SET (Redis out of memory) rejects with an error that holds no plaintext token",
    async (name) => {
      const client = clients().find(([n]) => n === name)![1];
      // encryptionKey: false stores the record as is; redis.ioredis puts a failed command's arguments
      // on its error (command.args), and onStoreError hands that error to the application.
      const store = redisTokenStore(client, { keyPrefix: "oom:", encryptionKey: false });
      const record = JSON.stringify({ token: "plaintext-access-token-oom" });
      await redis.ioredis.config("SET", "maxmemory-policy", "noeviction");
      await redis.ioredis.config("SET", "maxmemory", "1");
      try {
        const error = await rejectionOf(store.set(KEY, record, 5_000));
        expect(String(error)).toMatch(/OOM/);
        expect(JSON.stringify(error)).not.toContain("plaintext-access-token");
        expect(inspect(error, { depth: 5 })).not.toContain("plaintext-access-token");
      } finally {
        await redis.ioredis.config("SET", "maxmemory", "0");
      }
    },
  );

  it("refuses an encryption key that is not 32 bytes", () => {
    expect(() => redisTokenStore(redis.ioredis, { encryptionKey: "abcd" })).toThrow(/32 bytes/);
  });

  it("encryptionKey unset (an env variable that is not set) is an error, not plaintext", () => {
    for (const options of [{}, { encryptionKey: undefined }, { encryptionKey: "  " }]) {
      const error = thrownBy(() => redisTokenStore(redis.ioredis, options));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "invalid_configuration" });
      expect(error.message).toContain("encryptionKey: false");
    }
    expect(() => redisTokenStore(redis.ioredis)).toThrow(ValidationError);
  });

  it.each([
    ["too short", "abcd"],
    ["not hex nor base64", "z".repeat(64)],
    ["base64 of 31 bytes", Buffer.alloc(31, 7).toString("base64")],
    ["a number", 1234],
    ["an object", { key: ENCRYPTION_KEY }],
    ["null", null],
    ["true", true],
    ["16 bytes", new Uint8Array(16)],
  ])("a malformed encryptionKey (%s) is a ValidationError without the key", (_, key) => {
    const error = thrownBy(() => redisTokenStore(redis.ioredis, { encryptionKey: key as string }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: "invalid_configuration" });
    expect(error.message).toMatch(/encryptionKey must be 32 bytes/);
    if (typeof key === "string") expect(error.message).not.toContain(key);
  });

  it.each([
    ["timeout", "storeTimeout"],
    ["lockTtl", "storeLockTtl"],
  ])("its %s of before v2 is refused, naming the client's %s", (name, now) => {
    for (const [, client] of clients()) {
      const error = thrownBy(() =>
        redisTokenStore(client, { encryptionKey: ENCRYPTION_KEY, [name]: 1_000 }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: "invalid_configuration" });
      expect(error.message).toContain(`${name} is now the client's option ${now}`);
    }
  });

  it("a key with surrounding whitespace is trimmed; false stores plain JSON", async () => {
    const spaced = redisTokenStore(redis.ioredis, {
      keyPrefix: "trim:",
      encryptionKey: ` ${ENCRYPTION_KEY}\n`,
    });
    const exact = redisTokenStore(redis.nodeRedis, {
      keyPrefix: "trim:",
      encryptionKey: ENCRYPTION_KEY,
    });
    await spaced.set(KEY, "sealed-token", 5_000);
    expect(await exact.get(KEY)).toBe("sealed-token");
    const base64 = Buffer.from(ENCRYPTION_KEY, "hex").toString("base64");
    const asBase64 = redisTokenStore(redis.ioredis, {
      keyPrefix: "trim:",
      encryptionKey: `${base64}\t`,
    });
    expect(await asBase64.get(KEY)).toBe("sealed-token");

    const plain = redisTokenStore(redis.ioredis, { keyPrefix: "plain:", encryptionKey: false });
    await plain.set(KEY, "plain-token", 5_000);
    expect(await redis.ioredis.get(hashKey(KEY, "plain:"))).toBe("plain-token");
  });

  it("a value sealed with another key: reported once, fetched alone, never overwritten", async () => {
    const emu = await emulator();
    const options = { keyPrefix: "rot:" };
    const overrides = { timeout: 15_000, deadline: 30_000, maxRetries: 0, storeTimeout: 5_000 };
    const writer = clientFor(emu, {
      store: redisTokenStore(redis.ioredis, { ...options, encryptionKey: ENCRYPTION_KEY }),
      ...overrides,
    });
    const first = await writer.getToken();
    const stored = await redis.ioredis.keys("rot:*");
    const before = await Promise.all(stored.map((key: string) => redis.ioredis.get(key)));

    const sink = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const onStoreError = vi.fn();
    const misconfigured = clientFor(emu, {
      store: redisTokenStore(redis.nodeRedis, { ...options, encryptionKey: "b".repeat(64) }),
      logger: { level: "info", sink },
      hooks: { onStoreError },
      ...overrides,
    });
    const own = await misconfigured.getToken();
    expect(own.accessToken).not.toBe(first.accessToken);
    expect(emu.count("/oauth/token")).toBe(2);
    expect(onStoreError).toHaveBeenCalledWith(
      expect.objectContaining({ kind: "bank", operation: "get" }),
    );
    expect(onStoreError.mock.calls[0]![0].error.message).not.toContain("b".repeat(64));
    misconfigured.invalidate();
    await misconfigured.getToken();
    expect(emu.count("/oauth/token")).toBe(3);
    expect(onStoreError).toHaveBeenCalledTimes(2);
    // One warning per client, not per call.
    const warnings = sink.warn.mock.calls.flat().filter((line) => /decrypt/.test(String(line)));
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0])).toMatch(/encryptionKey/);

    // The fleet's value is untouched: a correctly configured process still shares it.
    expect(await redis.ioredis.keys("rot:*")).toEqual(stored);
    expect(await Promise.all(stored.map((key: string) => redis.ioredis.get(key)))).toEqual(before);
    const twin = clientFor(emu, {
      store: redisTokenStore(redis.nodeRedis, { ...options, encryptionKey: ENCRYPTION_KEY }),
      ...overrides,
    });
    expect((await twin.getToken()).accessToken).toBe(first.accessToken);
    expect(emu.count("/oauth/token")).toBe(3);
  });
});
