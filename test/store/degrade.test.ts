/**
 * The store must never be the reason a token cannot be had: slow, failing or half-failing
 * stores are bypassed, reported (warn + onStoreError) and retried later.
 */
import { describe, expect, it, vi } from "vitest";
import type { TokenStore } from "../../src/index.js";
import { secureTokenStore } from "../../src/redis/index.js";
import { MemoryTokenStore, UNREADABLE_VALUE } from "../../src/store/index.js";
import { clientFor as harnessClient, emulator } from "../helpers/client-harness.js";

const TOKEN_PATH = "/oauth/token";

/** The harness's client with a per-attempt timeout that a loaded CI machine cannot hit: the
 * request counts below must not include retries. */
const clientFor: typeof harnessClient = (emu, overrides = {}) =>
  harnessClient(emu, { timeout: 5_000, ...overrides });

function observed() {
  const sink = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const onStoreError = vi.fn();
  return {
    sink,
    onStoreError,
    options: { logger: { level: "info" as const, sink }, hooks: { onStoreError } },
  };
}

describe("a store that misbehaves", () => {
  it("slow: each call is bounded by storeTimeout, then the client fetches alone", async () => {
    const emu = await emulator();
    const never: TokenStore = {
      get: () => new Promise(() => undefined),
      set: () => new Promise(() => undefined),
      acquire: () => new Promise(() => undefined),
      release: () => new Promise(() => undefined),
    };
    const { sink, onStoreError, options } = observed();
    const client = clientFor(emu, { store: never, storeTimeout: 50, ...options });
    const started = Date.now();
    const token = await client.getToken();
    expect(token.accessToken).toMatch(/\./);
    // A store that never answers would hold the call forever (or for the 10 s lock TTL): the
    // 50 ms bound makes it seconds at most, even on a loaded CI machine.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(onStoreError).toHaveBeenCalledWith(
      expect.objectContaining({ kind: "bank", operation: "get" }),
    );
    expect(sink.warn).toHaveBeenCalledWith(
      expect.stringMatching(/token store get failed \(.*timed out/),
    );
  });

  it("down: the client fetches alone, skips the store for a while, then uses it again", async () => {
    const emu = await emulator();
    const inner = new MemoryTokenStore();
    let down = true;
    const gets = vi.fn();
    const flaky: TokenStore = {
      get: async (key) => {
        gets();
        if (down) throw new Error("ECONNREFUSED");
        return inner.get(key);
      },
      set: (key, value, ttl) => inner.set(key, value, ttl),
      acquire: (key, fence, ttl) => inner.acquire(key, fence, ttl),
      release: (key, fence) => inner.release(key, fence),
    };
    const { sink, onStoreError, options } = observed();
    const a = clientFor(emu, { store: flaky, ...options });
    await a.getToken();
    expect(onStoreError).toHaveBeenCalledTimes(1);
    expect(onStoreError.mock.calls[0]![0].error.message).toBe("ECONNREFUSED");
    // Within the pause (1 s after a first failure) the store is not even asked.
    await a.getToken({ scopes: ["customers:read"] });
    expect(gets).toHaveBeenCalledTimes(1);
    expect(emu.count(TOKEN_PATH)).toBe(2);

    down = false;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    a.invalidate();
    const shared = await a.getToken();
    expect(sink.info).toHaveBeenCalledWith(expect.stringContaining("token store reachable again"));
    const c = clientFor(emu, { store: flaky, ...options });
    expect((await c.getToken()).accessToken).toBe(shared.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(3);
  });

  it("failing writes: the fetched token is still served; the failure is reported", async () => {
    const emu = await emulator();
    const inner = new MemoryTokenStore();
    const readOnly: TokenStore = {
      get: (key) => inner.get(key),
      set: async () => {
        throw new Error("READONLY");
      },
      acquire: (key, fence, ttl) => inner.acquire(key, fence, ttl),
      release: (key, fence) => inner.release(key, fence),
    };
    const { onStoreError, options } = observed();
    const token = await clientFor(emu, { store: readOnly, ...options }).getToken();
    expect(token.accessToken).toMatch(/\./);
    expect(emu.count(TOKEN_PATH)).toBe(1);
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ operation: "set" }));
  });

  it("HTTP errors under the lock propagate unchanged, and the lock is released", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    emu.inject({ path: TOKEN_PATH, status: 401, example: "invalid_client", times: 1 });
    const client = clientFor(emu, { store });
    await expect(client.getToken()).rejects.toMatchObject({ status: 401 });
    // Not blocked by a leftover lock: the next call fetches at once.
    const started = Date.now();
    await client.getToken();
    expect(Date.now() - started).toBeLessThan(3_000); // a leftover lock would block for 10 s
  });

  it("a lock that is never free: fetches alone after the lock TTL, and says so", async () => {
    const emu = await emulator();
    const stuck: TokenStore = {
      get: async () => undefined,
      set: async () => undefined,
      acquire: async () => false,
      release: async () => undefined,
    };
    const { sink, onStoreError, options } = observed();
    const started = Date.now();
    await clientFor(emu, {
      store: stuck,
      storeLockTtl: 200,
      storeTimeout: 50,
      ...options,
    }).getToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(emu.count(TOKEN_PATH)).toBe(1);
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ operation: "acquire" }));
    expect(sink.warn).toHaveBeenCalledWith(expect.stringContaining("lock held past its TTL"));
  });

  it("without a store, nothing changes: no store code runs", async () => {
    const emu = await emulator();
    const { sink, options } = observed();
    await clientFor(emu, options).getToken();
    expect(sink.warn).not.toHaveBeenCalled();
    expect(sink.info.mock.calls.flat().join("\n")).not.toContain("store");
  });
});

describe("a store call that answers after its timeout", () => {
  it("a late acquire that took the lock is released with its fence as soon as it arrives", async () => {
    const emu = await emulator();
    const inner = new MemoryTokenStore();
    let answer: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (answer = resolve));
    const acquired: { key: string; fence: string }[] = [];
    const released: { key: string; fence: string }[] = [];
    const slowLock: TokenStore = {
      get: (key) => inner.get(key),
      set: (key, value, ttl) => inner.set(key, value, ttl),
      // Answers (having taken the lock) only when the test says so: long after the timeout.
      acquire: async (key, fence, ttl) => {
        await late;
        acquired.push({ key, fence });
        return inner.acquire(key, fence, ttl);
      },
      release: async (key, fence) => {
        released.push({ key, fence });
        return inner.release(key, fence);
      },
    };
    const { onStoreError, options } = observed();
    const client = clientFor(emu, {
      store: slowLock,
      storeTimeout: 30,
      storeLockTtl: 60_000,
      ...options,
    });
    // The acquire timed out: the client fetched alone.
    await client.getToken();
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ operation: "acquire" }));
    expect(acquired).toEqual([]);

    answer();
    await vi.waitFor(() => expect(released).toHaveLength(1));
    expect(acquired).toHaveLength(1);
    expect(released[0]).toEqual(acquired[0]);
    // Nobody holds the lock now: another process takes it at once (not after the 60 s TTL).
    expect(await inner.acquire(acquired[0]!.key, "next-holder", 60_000)).toBe(true);
  });
});

describe("a stored value this client cannot decrypt", () => {
  it("is reported on each read, warned about once, neither locked nor overwritten", async () => {
    const emu = await emulator();
    const inner = new MemoryTokenStore();
    const keyed = (encryptionKey: string) => ({
      store: secureTokenStore(inner, { encryptionKey }),
      storeTimeout: 5_000,
    });
    const writer = clientFor(emu, keyed("1".repeat(64)));
    const first = await writer.getToken();
    const acquire = vi.spyOn(inner, "acquire");
    const set = vi.spyOn(inner, "set");

    const { sink, onStoreError, options } = observed();
    const other = clientFor(emu, { ...keyed("2".repeat(64)), ...options });
    for (let round = 0; round < 3; round++) {
      other.invalidate();
      expect((await other.getToken()).accessToken).not.toBe(first.accessToken);
    }
    expect(emu.count(TOKEN_PATH)).toBe(4);
    expect(onStoreError).toHaveBeenCalledTimes(3);
    expect(onStoreError).toHaveBeenCalledWith(
      expect.objectContaining({
        operation: "get",
        error: expect.objectContaining({ code: UNREADABLE_VALUE }),
      }),
    );
    expect(sink.warn).toHaveBeenCalledTimes(1);
    expect(sink.warn.mock.calls[0]![0]).toMatch(/could not be decrypted.*encryptionKey/);
    expect(acquire).not.toHaveBeenCalled();
    expect(set).not.toHaveBeenCalled();
    // Not a store outage: the store is not bypassed, and the fleet's token is still there.
    const twin = clientFor(emu, keyed("1".repeat(64)));
    expect((await twin.getToken()).accessToken).toBe(first.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(4);
  });
});
