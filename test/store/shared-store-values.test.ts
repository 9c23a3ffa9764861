/**
 * What the fleet protocol takes from a store, with a scripted store and a fake HTTP fetch. A
 * store is shared infrastructure: its values are read like a server's answer. One that is not a
 * token record (a token that is not a bearer token, times that are not finite numbers or end
 * later than a server's token could, scopes that are not strings) is never served: it is
 * reported like a value sealed with another key, the client fetches, and its token replaces
 * the value.
 */
import { describe, expect, it, vi } from "vitest";
import type { TokenStore } from "../../src/config/token-store.js";
import { UNREADABLE_VALUE } from "../../src/store/index.js";
import { callOf, LIFETIME_MS, protocolOver } from "./protocol-harness.js";

/** A store holding `value` under every key until something is set; every lock is free. */
function holding(value: unknown) {
  let current = value;
  const store = {
    get: vi.fn(async () => current as string | undefined),
    set: vi.fn<TokenStore["set"]>(async (_key, next) => void (current = next)),
    acquire: vi.fn<TokenStore["acquire"]>(async () => true),
    release: vi.fn<TokenStore["release"]>(async () => undefined),
  };
  return { store, current: () => current };
}

const record = {
  token: "eyJhbGciOiJub25lIn0.e30.sig",
  sentAt: Date.now(),
  lifetimeMs: LIFETIME_MS,
};
/** A stored record with `patch` applied to a valid one (undefined drops a field). */
const storedWith = (patch: Record<string, unknown>) =>
  JSON.stringify({ ...record, scopes: ["customers:read"], ...patch });

describe("a stored value that is not a token record", () => {
  it("a valid record is served from the store (the cases below differ by one field)", async () => {
    const { store } = holding(storedWith({}));
    const { fetcher, fetch, onStoreError } = protocolOver(store);
    expect((await fetcher(callOf())).token).toBe(record.token);
    expect(fetch).not.toHaveBeenCalled();
    expect(onStoreError).not.toHaveBeenCalled();
  });

  it.each([
    ["a token with a space", storedWith({ token: "abc def" })],
    ["a token with CR/LF", storedWith({ token: "abc\r\nX-Forged: 1" })],
    ["a token with a quote", storedWith({ token: 'abc"def' })],
    ["an empty token", storedWith({ token: "" })],
    ["a token that is a number", storedWith({ token: 42 })],
    ["a token that is an array", storedWith({ token: ["abc"] })],
    ["no token", storedWith({ token: undefined })],
    // Longer than a server's whole answer may be (MAX_RESPONSE_BYTES): sent in every header.
    ["a token of 100,000 characters", storedWith({ token: "a".repeat(100_000) })],
    ["sentAt a string", storedWith({ sentAt: String(record.sentAt) })],
    ["sentAt true", storedWith({ sentAt: true })],
    ["lifetimeMs infinite (1e999)", storedWith({ lifetimeMs: 7 }).replace(":7,", ":1e999,")],
    ["lifetimeMs a string", storedWith({ lifetimeMs: String(LIFETIME_MS) })],
    // No server's token lives past a year (MAX_LIFETIME_MS); these are no Date at all.
    ["lifetimeMs 1e300", storedWith({ lifetimeMs: 1e300 })],
    ["sentAt past the last Date (1e16)", storedWith({ sentAt: 1e16 })],
    ["an expiry two years away", storedWith({ lifetimeMs: 2 * 365 * 24 * 3_600_000 })],
    ["scopes a string", storedWith({ scopes: "customers:read" })],
    ["scopes holding a number", storedWith({ scopes: ["customers:read", 1] })],
    ["scopes holding an object", storedWith({ scopes: [{}] })],
    ["no scopes", storedWith({ scopes: undefined })],
    ["JSON null", "null"],
    ["not JSON", "{not json"],
    ["not a string (a custom store's number)", 42],
  ])("%s: not served; reported; fetched; replaced by the fetched token", async (_, value) => {
    const { store, current } = holding(value);
    const { fetcher, fetch, lines, onStoreError, served } = protocolOver(store);
    expect((await fetcher(callOf())).token).toBe("http-token");
    expect(served).toEqual([]);
    expect(fetch).toHaveBeenCalledTimes(1);
    // Reported once per fetch, as a value sealed with another key is: the hook, one warning.
    expect(onStoreError).toHaveBeenCalledTimes(1);
    expect(onStoreError).toHaveBeenCalledWith({
      kind: "bank",
      operation: "get",
      error: expect.objectContaining({ code: UNREADABLE_VALUE }),
    });
    expect(lines.filter((line) => line.startsWith("warn"))).toEqual([
      expect.stringMatching(/^warn token store: stored value is not a token record/),
    ]);
    // Nobody owns it: the lock holder's token replaces it, so the fleet shares tokens again.
    expect(store.acquire).toHaveBeenCalledTimes(1);
    expect(JSON.parse(current() as string)).toMatchObject({ token: "http-token" });
  });

  it("warned about once per client, reported on each fetch; the store is not bypassed", async () => {
    const { store } = holding(storedWith({ token: "abc def" }));
    store.set.mockImplementation(async () => undefined); // the bad value stays
    const { fetcher, fetch, lines, onStoreError } = protocolOver(store);
    await fetcher(callOf());
    await fetcher(callOf());
    await fetcher(callOf(true));
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(store.get).toHaveBeenCalledTimes(6); // each fetch: a read, and a read under the lock
    expect(onStoreError).toHaveBeenCalledTimes(3);
    expect(lines.filter((line) => line.startsWith("warn"))).toHaveLength(1);
  });

  it("a process waiting for the lock holder does not take the bad value, and reports it once", async () => {
    let value: unknown = storedWith({ token: "abc\r\ndef" });
    const store: TokenStore = {
      get: async () => value as string,
      set: async () => undefined,
      acquire: async () => false, // another process is refreshing
      release: async () => undefined,
    };
    const { fetcher, fetch, onStoreError, served } = protocolOver(store);
    const result = fetcher(callOf());
    await vi.waitFor(() => expect(onStoreError).toHaveBeenCalled());
    value = storedWith({});
    expect((await result).token).toBe(record.token);
    expect(served).toEqual([record.token]);
    expect(fetch).not.toHaveBeenCalled();
    expect(onStoreError).toHaveBeenCalledTimes(1);
  });
});
