/**
 * A shared store is shared by holders of the same credentials only: the namespace of every key
 * carries a keyed hash of the client secret (never the secret), so a client that knows the
 * client id but not the secret cannot take the bank token from the store.
 */
import { describe, expect, it, vi } from "vitest";
import type { TokenStore } from "../../src/index.js";
import { MemoryTokenStore } from "../../src/store/index.js";
import { clientFor as harnessClient, emulator, rejectionOf } from "../helpers/client-harness.js";

const TOKEN_PATH = "/oauth/token";
const clientFor: typeof harnessClient = (emu, overrides = {}) =>
  harnessClient(emu, {
    timeout: 15_000,
    deadline: 30_000,
    maxRetries: 0,
    // A store timeout that a loaded machine cannot hit: a bypassed store would change the counts.
    storeTimeout: 5_000,
    ...overrides,
  });

/** A MemoryTokenStore that records every key it is given. */
function recording() {
  const inner = new MemoryTokenStore();
  const keys = new Set<string>();
  const raw: TokenStore = {
    get: (key) => (keys.add(key), inner.get(key)),
    set: (key, value, ttl) => (keys.add(key), inner.set(key, value, ttl)),
    acquire: (key, fence, ttl) => (keys.add(key), inner.acquire(key, fence, ttl)),
    release: (key, fence) => inner.release(key, fence),
  };
  return { store: raw, keys };
}

describe("the store namespace and the client secret", () => {
  it("same id, wrong secret: no token from the store, its own request (401)", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const good = clientFor(emu, { store });
    const token = await good.getToken();
    expect(emu.count(TOKEN_PATH)).toBe(1);

    const intruder = clientFor(emu, { store, clientSecret: "not-the-secret-at-all" });
    const error = await rejectionOf(intruder.getToken());
    expect(error).toMatchObject({ status: 401 });
    expect(JSON.stringify(error)).not.toContain(token.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(2);
  });

  it("same id, same secret: still one request for both", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const a = await clientFor(emu, { store }).getToken();
    const b = await clientFor(emu, { store }).getToken();
    expect(b.accessToken).toBe(a.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(1);
  });

  it("keys hold a keyed hash of the secret: never the secret, different per secret", async () => {
    const emu = await emulator();
    const { store, keys } = recording();
    await clientFor(emu, { store }).getToken();
    await rejectionOf(clientFor(emu, { store, clientSecret: "another-secret-value" }).getToken());
    const [first, second, ...rest] = [...keys];
    expect(rest).toEqual([]);
    expect(first).not.toBe(second);
    for (const key of [first!, second!]) {
      expect(key).not.toContain(emu.clientSecret);
      expect(key).not.toContain("another-secret-value");
      const parts = JSON.parse(key) as string[];
      expect(parts).toContain(emu.clientId);
      // One part is the tag: hex of an HMAC-SHA-256, not the secret in any encoding.
      expect(parts.some((part) => /^[0-9a-f]{64}$/.test(part))).toBe(true);
    }
  });

  it("without WebCrypto (an insecure browser page): no store, its own request, reported", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const onStoreError = vi.fn();
    vi.stubGlobal("crypto", undefined);
    try {
      const token = await clientFor(emu, { store, hooks: { onStoreError } }).getToken();
      expect(token.accessToken).toMatch(/\./);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(emu.count(TOKEN_PATH)).toBe(1);
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ operation: "get" }));
    expect(String(onStoreError.mock.calls[0]![0].error.message)).toContain("WebCrypto");
  });
});
