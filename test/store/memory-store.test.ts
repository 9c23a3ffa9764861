/**
 * MemoryTokenStore: the TokenStore contract in one process; and the key and value protection
 * of shared stores (hashed keys, AES-256-GCM round trip and tamper detection).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryTokenStore, UNREADABLE_VALUE } from "../../src/store/index.js";
import {
  hashKey,
  open,
  parseEncryptionKey,
  seal,
  secureTokenStore,
} from "../../src/redis/secure-store.js";
import { sleep } from "../helpers/client-harness.js";

describe("MemoryTokenStore", () => {
  it("gets what was set until its TTL passes", async () => {
    const store = new MemoryTokenStore();
    expect(await store.get("k")).toBeUndefined();
    await store.set("k", "v1", 60);
    expect(await store.get("k")).toBe("v1");
    await store.set("k", "v2", 60);
    expect(await store.get("k")).toBe("v2");
    await sleep(80);
    expect(await store.get("k")).toBeUndefined();
  });

  it("a long-running process with ever new keys holds only what is live (expired entries are swept)", async () => {
    vi.useFakeTimers();
    try {
      const store = new MemoryTokenStore();
      // A new customer a second, its token stored for a minute, and its lock, for a day.
      for (let i = 0; i < 86_400; i++) {
        await store.set(`customer-${i}`, "token", 60_000);
        await store.acquire(`customer-${i}`, "fence", 10_000);
        vi.advanceTimersByTime(1_000);
      }
      expect(store.size).toBeLessThanOrEqual(2 * (60 + 10) + 2 * 64);
    } finally {
      vi.useRealTimers();
    }
  });

  it("locks: one holder at a time, released only with its fence, expired after its TTL", async () => {
    const store = new MemoryTokenStore();
    expect(await store.acquire("k", "a", 60)).toBe(true);
    expect(await store.acquire("k", "b", 60)).toBe(false);
    expect(await store.acquire("other", "b", 60)).toBe(true);
    await store.release("k", "b");
    expect(await store.acquire("k", "b", 60)).toBe(false);
    await store.release("k", "a");
    expect(await store.acquire("k", "b", 60)).toBe(true);
    await sleep(80);
    // b's lock expired (its holder "crashed"); a late release by b must not free c's lock.
    expect(await store.acquire("k", "c", 60)).toBe(true);
    await store.release("k", "b");
    expect(await store.acquire("k", "d", 60)).toBe(false);
  });

  it("keeps values and locks apart", async () => {
    const store = new MemoryTokenStore();
    await store.set("k", "v", 1000);
    expect(await store.acquire("k", "fence", 1000)).toBe(true);
    expect(await store.get("k")).toBe("v");
    store.clear();
    expect(await store.get("k")).toBeUndefined();
    expect(await store.acquire("k", "fence", 1000)).toBe(true);
  });
});

describe("MemoryTokenStore across a step of the wall clock", () => {
  // NTP stepping a clock, a VM resumed from a snapshot: Date.now() jumps, performance.now()
  // does not (vi.setSystemTime moves only the first; advancing timers moves both). The store's
  // TTLs are durations, so they run on the monotonic clock like the engine's other waits.
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("forward by more than a lock's TTL: the lock is still held, the value still there", async () => {
    const store = new MemoryTokenStore();
    await store.set("k", "v", 60_000);
    expect(await store.acquire("k", "a", 30_000)).toBe(true);
    vi.setSystemTime(Date.now() + 3_600_000);
    // A second holder would make a second token request.
    expect(await store.acquire("k", "b", 30_000)).toBe(false);
    expect(await store.get("k")).toBe("v");
    await store.release("k", "a");
    expect(await store.acquire("k", "b", 30_000)).toBe(true);
  });

  it("back by an hour: the lock and the value still expire after their TTLs", async () => {
    const store = new MemoryTokenStore();
    await store.set("k", "v", 60_000);
    expect(await store.acquire("k", "a", 30_000)).toBe(true);
    vi.setSystemTime(Date.now() - 3_600_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(await store.acquire("k", "b", 30_000)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    // The holder is gone (crashed): another takes over after the TTL, not after an hour more.
    expect(await store.acquire("k", "b", 30_000)).toBe(true);
    expect(await store.get("k")).toBe("v");
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await store.get("k")).toBeUndefined();
  });
});

describe("keys and values in a shared store", () => {
  const KEY = parseEncryptionKey(
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
  );

  it("hashes logical keys to a fixed-length key under the prefix", () => {
    const logical = JSON.stringify(["cybrid-id/v1", "bank", "https://id.example", "my-client", ""]);
    const key = hashKey(logical);
    expect(key).toMatch(/^cybrid-id:[0-9a-f]{64}$/);
    expect(key).not.toContain("my-client");
    expect(hashKey(logical)).toBe(key);
    expect(hashKey(logical, "prod:")).toBe(`prod:${key.slice("cybrid-id:".length)}`);
    expect(hashKey(logical.replace('""', '"a:read"'))).not.toBe(key);
  });

  it("accepts a key as 32 bytes, 64 hex digits or base64, and nothing else", () => {
    const bytes = new Uint8Array(32).fill(7);
    expect(parseEncryptionKey(bytes)).toEqual(Buffer.from(bytes));
    expect(parseEncryptionKey(Buffer.from(bytes).toString("base64"))).toEqual(Buffer.from(bytes));
    expect(() => parseEncryptionKey(new Uint8Array(16))).toThrow(/32 bytes/);
    expect(() => parseEncryptionKey("not a key")).toThrow(/32 bytes/);
  });

  it("round-trips a value, with a new IV each time", () => {
    const a = seal(KEY, "token-value", "at");
    const b = seal(KEY, "token-value", "at");
    expect(a).not.toBe(b);
    expect(a).not.toContain("token-value");
    expect(open(KEY, a, "at")).toBe("token-value");
    expect(open(KEY, b, "at")).toBe("token-value");
  });

  it("detects tampering, another key, another storage key, truncation", () => {
    const sealed = seal(KEY, "token-value", "at");
    const bytes = Buffer.from(sealed.slice(3), "base64");
    for (const index of [0, 12, 20, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[index]! ^= 0x01;
      expect(() => open(KEY, `v1.${altered.toString("base64")}`, "at")).toThrow();
    }
    const otherKey = parseEncryptionKey(new Uint8Array(32).fill(1));
    expect(() => open(otherKey, sealed, "at")).toThrow();
    expect(() => open(KEY, sealed, "elsewhere")).toThrow();
    expect(() => open(KEY, "v1.AAAA", "at")).toThrow(/too short/);
    expect(() => open(KEY, "plain json", "at")).toThrow(/not a sealed value/);
  });

  it("secureTokenStore: hashed keys and sealed values in the inner store", async () => {
    const inner = new MemoryTokenStore();
    const store = secureTokenStore(inner, { encryptionKey: KEY, keyPrefix: "t:" });
    await store.set("logical", "the-token", 1000);
    expect(await inner.get("logical")).toBeUndefined();
    const raw = await inner.get(hashKey("logical", "t:"));
    expect(raw).toMatch(/^v1\./);
    expect(raw).not.toContain("the-token");
    expect(await store.get("logical")).toBe("the-token");
    // A value it cannot authenticate is refused as unreadable (the client leaves it alone).
    await inner.set(hashKey("logical", "t:"), "garbage", 1000);
    await expect(store.get("logical")).rejects.toMatchObject({ code: UNREADABLE_VALUE });
    expect(await store.acquire("logical", "f", 1000)).toBe(true);
    expect(await inner.acquire(hashKey("logical", "t:"), "g", 1000)).toBe(false);
  });
});
