/**
 * The fleet protocol (src/store/shared-store.ts) in one process: several clients stand for
 * several processes (each has its own in-memory cache), a MemoryTokenStore (or a recording
 * one) for the store.
 */
import { describe, expect, it, vi } from "vitest";
import type { Emulator } from "../../src/emulator/index.js";
import type { TokenStore } from "../../src/index.js";
import { MemoryTokenStore, UNREADABLE_VALUE } from "../../src/store/index.js";
import { clientFor as harnessClient, emulator, GUID, sleep } from "../helpers/client-harness.js";

const TOKEN_PATH = "/oauth/token";

/** The harness's client with a per-attempt timeout that a loaded CI machine cannot hit: the
 * request counts below must not include retries. */
const clientFor: typeof harnessClient = (emu, overrides = {}) =>
  harnessClient(emu, { timeout: 5_000, ...overrides });

/** A store that records the keys and values it is given, for the `store` option. */
function recording(inner: TokenStore = new MemoryTokenStore()) {
  const calls: { op: string; key: string; value?: string }[] = [];
  const raw: TokenStore = {
    get: (key) => (calls.push({ op: "get", key }), inner.get(key)),
    set: (key, value, ttl) => (calls.push({ op: "set", key, value }), inner.set(key, value, ttl)),
    acquire: (key, fence, ttl) => (
      calls.push({ op: "acquire", key }),
      inner.acquire(key, fence, ttl)
    ),
    release: (key, fence) => (calls.push({ op: "release", key }), inner.release(key, fence)),
  };
  return { store: raw, calls };
}

/** The store key of `emu`'s default bank token, as a client of it names it (read by a probe). */
async function bankTokenKey(emu: Emulator): Promise<string> {
  const probe = recording();
  await clientFor(emu, { store: probe.store }).getToken();
  return probe.calls[0]!.key;
}

/** A store whose every lock another process holds, stuck: the lock is never free. */
function lockedByAnother(inner: TokenStore = new MemoryTokenStore()): TokenStore {
  return {
    get: (key) => inner.get(key),
    set: (key, value, ttlMs) => inner.set(key, value, ttlMs),
    acquire: async () => false,
    release: async () => undefined,
  };
}

function logSink() {
  return { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
}

describe("a shared token store", () => {
  it("one token for several clients: the others take it from the store, no HTTP", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const [a, b, c] = [1, 2, 3].map(() => clientFor(emu, { store }));
    const first = await a!.getToken();
    const [fromB, fromC] = await Promise.all([b!.getToken(), c!.getToken()]);
    expect(emu.count(TOKEN_PATH)).toBe(1);
    expect(fromB).toEqual(first);
    expect(fromC.expiresAt.getTime()).toBe(first.expiresAt.getTime());
    // Concurrent first calls of fresh clients also share one request.
    const store2 = new MemoryTokenStore();
    const fleet = Array.from({ length: 5 }, () => clientFor(emu, { store: store2 }));
    const tokens = await Promise.all(
      fleet.flatMap((client) => [client.getToken(), client.getToken()]),
    );
    expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(1);
    expect(emu.count(TOKEN_PATH)).toBe(2);
  });

  it("keys name the base URL, client id and scope set (any order), never the secret", async () => {
    const emu = await emulator();
    const { store, calls } = recording();
    const client = clientFor(emu, { store });
    await client.getToken({ scopes: ["customers:read", "accounts:read"] });
    await client.getToken({ scopes: ["customers:read"] });
    const other = clientFor(emu, { store });
    await other.getToken({ scopes: ["accounts:read", "customers:read"] });
    expect(emu.count(TOKEN_PATH)).toBe(2);
    const keys = [...new Set(calls.map((call) => call.key))];
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key).toContain(emu.url);
      expect(key).toContain(emu.clientId);
      expect(key).not.toContain(emu.clientSecret);
    }
    expect(keys[0]).toContain("accounts:read customers:read");
    for (const call of calls) expect(call.value ?? "").not.toContain(emu.clientSecret);
  });

  it("waits for the lock holder's token rather than fetching its own", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const a = clientFor(emu, { store });
    const b = clientFor(emu, { store });
    emu.inject({ path: TOKEN_PATH, delayMs: 300 });
    const [ta, tb] = await Promise.all([a.getToken(), sleep(50).then(() => b.getToken())]);
    expect(tb.accessToken).toBe(ta.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(1);
  });

  it("takes over a lock whose holder died, once it expires", async () => {
    const emu = await emulator();
    const key = await bankTokenKey(emu);
    const { store, calls } = recording();
    // A holder that took the lock and died: nobody releases it.
    expect(await store.acquire(key, "dead-holder", 300)).toBe(true);
    const started = Date.now();
    await clientFor(emu, { store, storeLockTtl: 300 }).getToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(calls.filter((call) => call.op === "acquire").length).toBeGreaterThan(2);
    expect(emu.count(TOKEN_PATH)).toBe(2);
  });

  it("a class-based store (MemoryTokenStore) given as is: storeLockTtl bounds a dead holder's lock", async () => {
    const emu = await emulator();
    const key = await bankTokenKey(emu);
    const store = new MemoryTokenStore();
    expect(await store.acquire(key, "dead-holder", 300)).toBe(true);
    const started = Date.now();
    await clientFor(emu, { store, storeLockTtl: 300 }).getToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(emu.count(TOKEN_PATH)).toBe(2);
  });

  it("a foreground caller gets the still-valid stored token while another process refreshes", async () => {
    const emu = await emulator({ tokenTtlSeconds: 4 });
    const { store, calls } = recording();
    const a = clientFor(emu, { store });
    const token = await a.getToken();
    const key = calls[0]!.key;
    // Into the refresh window of the stored token, with another holder of the lock.
    await sleep(Math.max(0, token.expiresAt.getTime() - 4_000 * 0.2 - Date.now() - 300));
    await store.acquire(key, "someone-else", 5_000);
    const b = clientFor(emu, { store });
    const started = Date.now();
    expect((await b.getToken()).accessToken).toBe(token.accessToken);
    expect(Date.now() - started).toBeLessThan(1_500); // polling would wait for the 5 s lock
    expect(emu.count(TOKEN_PATH)).toBe(1);
  });

  it("never takes a token from the store again once it was dropped or rejected", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const a = clientFor(emu, { store });
    const first = await a.getToken();
    a.invalidate();
    const second = await a.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(2);
    // The new one went to the store for the others.
    expect((await clientFor(emu, { store }).getToken()).accessToken).toBe(second.accessToken);
  });

  it("invalidate() keeps every token it dropped out of the store, however many were handed out", async () => {
    const emu = await emulator();
    const a = clientFor(emu, { store: new MemoryTokenStore() });
    const first = await a.getToken();
    // A client serving many customers: each customer token went through the store too.
    for (let i = 0; i < 64; i++) {
      const customerGuid = i.toString(16).padStart(32, "0");
      await a.getCustomerToken({ customerGuid, scopes: ["accounts:read"] });
    }
    a.invalidate();
    expect((await a.getToken()).accessToken).not.toBe(first.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(2);
  });

  it("shares customer tokens per customer and scope set", async () => {
    const emu = await emulator();
    const store = new MemoryTokenStore();
    const a = clientFor(emu, { store });
    const b = clientFor(emu, { store });
    const request = { customerGuid: GUID, scopes: ["accounts:read", "customers:read"] as const };
    const ta = await a.getCustomerToken({ ...request, scopes: [...request.scopes] });
    const tb = await b.getCustomerToken({ ...request, scopes: [...request.scopes].reverse() });
    expect(tb.accessToken).toBe(ta.accessToken);
    expect(tb.expiresAt).toEqual(ta.expiresAt);
    expect([...tb.scopes].sort()).toEqual([...ta.scopes].sort());
    expect(tb.customerGuid).toBe(GUID);
    expect(emu.count("/api/customer_tokens")).toBe(1);
    expect(emu.count(TOKEN_PATH)).toBe(1);
    // createCustomerToken never uses the store.
    await b.createCustomerToken({ ...request, scopes: [...request.scopes] });
    expect(emu.count("/api/customer_tokens")).toBe(2);
  });

  it("ignores an unreadable stored value and replaces it", async () => {
    const emu = await emulator();
    const { store, calls } = recording();
    await clientFor(emu, { store }).getToken();
    const key = calls[0]!.key;
    await store.set(key, "{not json", 60_000);
    const sink = logSink();
    const token = await clientFor(emu, { store, logger: { level: "warn", sink } }).getToken();
    expect(emu.count(TOKEN_PATH)).toBe(2);
    expect(JSON.parse((await store.get(key))!).token).toBe(token.accessToken);
    expect(sink.warn).toHaveBeenCalledWith(expect.stringContaining("not a token record"));
  });

  it("never serves a stored token that is not a bearer token: fetches, reports, replaces it", async () => {
    const emu = await emulator();
    const { store, calls } = recording();
    const first = await clientFor(emu, { store }).getToken();
    const key = calls[0]!.key;
    // What a hostile or broken writer of the shared store could leave: a header injection.
    const stored = JSON.parse((await store.get(key))!);
    const forged = `${first.accessToken}\r\nX-Forged: 1`;
    await store.set(key, JSON.stringify({ ...stored, token: forged }), 60_000);
    const onStoreError = vi.fn();
    const client = clientFor(emu, { store, hooks: { onStoreError } });
    const token = await client.getToken();
    expect(token.accessToken).not.toBe(forged);
    expect(token.accessToken).toMatch(/^[\w.-]+$/);
    expect(emu.count(TOKEN_PATH)).toBe(2);
    expect(onStoreError).toHaveBeenCalledWith(
      expect.objectContaining({
        operation: "get",
        error: expect.objectContaining({ code: UNREADABLE_VALUE }),
      }),
    );
    // The fetched token replaced it: the next process takes it from the store.
    expect((await clientFor(emu, { store }).getToken()).accessToken).toBe(token.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(2);
  });
});

describe("a call's deadline bounds its wait for another process's token", () => {
  // The lock is held for 10 s; the call has 2 s, a third of which may go to waiting. The exact
  // instants are unit-tested on fake timers (shared-store-timing, store-deadline); here only
  // "well before the lock's 10 s", and the token fetched alone.
  const options = { deadline: 2_000, storeLockTtl: 10_000 };

  it("getToken: a stuck lock holder costs a third of the deadline, then the call fetches alone", async () => {
    const emu = await emulator();
    const onStoreError = vi.fn();
    const client = clientFor(emu, {
      store: lockedByAnother(),
      ...options,
      hooks: { onStoreError },
    });
    const started = Date.now();
    const token = await client.getToken();
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(token.accessToken).toMatch(/^[\w.-]+$/);
    expect(emu.count(TOKEN_PATH)).toBe(1);
    // The store answered every call: nothing to report.
    expect(onStoreError).not.toHaveBeenCalled();
  });

  it("getCustomerToken: the same, for the customer token and the bank token it needs", async () => {
    const emu = await emulator();
    const client = clientFor(emu, { store: lockedByAnother(), ...options });
    const started = Date.now();
    const token = await client.getCustomerToken({ customerGuid: GUID, scopes: ["accounts:read"] });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(token.customerGuid).toBe(GUID);
    expect(emu.count("/api/customer_tokens")).toBe(1);
    expect(emu.count(TOKEN_PATH)).toBe(1);
  });

  it("a token the lock holder stores before the deadline is served: no request", async () => {
    const emu = await emulator();
    const { store, calls } = recording();
    const token = await clientFor(emu, { store }).getToken();
    const key = calls[0]!.key;
    const record = (await store.get(key))!;
    const locked = lockedByAnother();
    const waiting = clientFor(emu, { store: locked, deadline: 5_000 }).getToken();
    await sleep(100);
    await locked.set(key, record, 60_000);
    expect((await waiting).accessToken).toBe(token.accessToken);
    expect(emu.count(TOKEN_PATH)).toBe(1);
  });
});
