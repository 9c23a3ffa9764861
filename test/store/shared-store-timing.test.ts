/**
 * The fleet protocol's waits, on fake timers with a scripted store and a fake HTTP fetch: the
 * bound on each store call, the bypass of a failing store (backoffDelay with half jitter:
 * 0.5-1 s after one failure, doubling up to 30 s), the polls for another process's token, the
 * give-up once the lock's lifetime has passed, and the end of the wait at a third of the call's deadline.
 * Math.random is pinned to 0, so every jitter is its lower half: exactly half of the
 * backoff's ceiling.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TokenStore } from "../../src/config/token-store.js";
import { MemoryTokenStore } from "../../src/store/index.js";
import { callOf, LIFETIME_MS, protocolOver } from "./protocol-harness.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.spyOn(Math, "random").mockReturnValue(0);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A store of mocks: nothing stored, every lock free, unless `script` says otherwise. */
function scripted(script: Pick<Partial<TokenStore>, "get" | "acquire"> = {}) {
  return {
    get: vi.fn<TokenStore["get"]>(script.get ?? (async () => undefined)),
    set: vi.fn<TokenStore["set"]>(async () => undefined),
    acquire: vi.fn<TokenStore["acquire"]>(script.acquire ?? (async () => true)),
    release: vi.fn<TokenStore["release"]>(async () => undefined),
  };
}

const never = () => new Promise<never>(() => undefined);

describe("a store that does not answer", () => {
  it("each call gives up after the timeout; the store is skipped for half to all of the backoff, which doubles", async () => {
    const store = scripted({ get: never });
    const { fetcher, fetch, lines, onStoreError } = protocolOver(store);

    const first = fetcher(callOf());
    await vi.advanceTimersByTimeAsync(249);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect((await first).token).toBe("http-token");
    expect(onStoreError).toHaveBeenCalledWith(
      expect.objectContaining({ kind: "bank", operation: "get" }),
    );
    expect(lines).toContain(
      "warn token store get failed (timed out after 250 ms); skipped for 500 ms",
    );

    // Within the 500 ms the store is not asked: straight to the server.
    await vi.advanceTimersByTimeAsync(499);
    await fetcher(callOf());
    expect(store.get).toHaveBeenCalledTimes(1);
    expect(fetch).toHaveBeenCalledTimes(2);

    // Then it is asked again; a second failure in a row skips it twice as long.
    await vi.advanceTimersByTimeAsync(1);
    const third = fetcher(callOf());
    await vi.advanceTimersByTimeAsync(250);
    await third;
    expect(store.get).toHaveBeenCalledTimes(2);
    expect(lines.at(-1)).toBe(
      "warn token store get failed (timed out after 250 ms); skipped for 1000 ms",
    );
  });

  it("an answer resets the backoff, and says so", async () => {
    let down = true;
    const store = scripted({
      get: async () => {
        if (down) throw new Error("ECONNREFUSED");
        return undefined;
      },
    });
    const { fetcher, lines } = protocolOver(store);
    await fetcher(callOf());
    expect(lines.at(-1)).toContain("skipped for 500 ms");
    await vi.advanceTimersByTimeAsync(500);
    down = false;
    await fetcher(callOf());
    expect(lines).toContain("info token store reachable again");
    down = true;
    await fetcher(callOf());
    expect(lines.at(-1)).toBe("warn token store get failed (ECONNREFUSED); skipped for 500 ms");
  });

  it("a wall-clock step back does not stretch the bypass (it is on the monotonic clock)", async () => {
    const store = scripted({
      get: async () => {
        throw new Error("ECONNREFUSED");
      },
    });
    const { fetcher, lines } = protocolOver(store);
    await fetcher(callOf());
    expect(lines.at(-1)).toContain("skipped for 500 ms");
    vi.setSystemTime(Date.now() - 3_600_000);
    await vi.advanceTimersByTimeAsync(500);
    await fetcher(callOf());
    expect(store.get).toHaveBeenCalledTimes(2);
  });

  it("a late acquire that took the lock is undone: released with its own fence", async () => {
    let answer: (taken: boolean) => void = () => undefined;
    const store = scripted({
      acquire: () => new Promise<boolean>((resolve) => (answer = resolve)),
    });
    const { fetcher, fetch } = protocolOver(store);
    const first = fetcher(callOf());
    await vi.advanceTimersByTimeAsync(250);
    await first;
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(store.release).not.toHaveBeenCalled();
    answer(true);
    await vi.advanceTimersByTimeAsync(0);
    const fence = store.acquire.mock.calls[0]![1];
    expect(store.release).toHaveBeenCalledWith(store.acquire.mock.calls[0]![0], fence);
  });
});

describe("another process holds the lock", () => {
  it("polls with growing waits (12, 25, 50, 100, 125 ms...) and takes its token when stored", async () => {
    const stored = JSON.stringify({
      token: "fleet-token",
      sentAt: Date.now(),
      lifetimeMs: LIFETIME_MS,
      scopes: [],
    });
    let value: string | undefined;
    const readAt: number[] = [];
    const start = Date.now();
    const store = scripted({
      get: async () => (readAt.push(Date.now() - start), value),
      acquire: async () => false,
    });
    const { fetcher, fetch, lines } = protocolOver(store);
    const result = fetcher(callOf(true));
    await vi.advanceTimersByTimeAsync(300);
    expect(readAt).toEqual([0, 12, 37, 87, 187]);
    expect(lines).toContain("debug token store: bank lock busy, waiting");
    value = stored;
    await vi.advanceTimersByTimeAsync(125);
    expect(await result).toMatchObject({ value: "fleet-token", token: "fleet-token" });
    expect(fetch).not.toHaveBeenCalled();
  });

  it("a lock never freed: past its lifetime (plus a timeout) the fetch goes alone, reported", async () => {
    const store = scripted({ acquire: async () => false });
    const { fetcher, fetch, lines, onStoreError } = protocolOver(store);
    const result = fetcher(callOf(true));
    await vi.advanceTimersByTimeAsync(1_200);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect((await result).token).toBe("http-token");
    expect(onStoreError).toHaveBeenCalledWith(expect.objectContaining({ operation: "acquire" }));
    expect(lines).toContain(
      "warn token store acquire failed (lock held past its TTL); skipped for 500 ms",
    );
  });

  it("a lock never freed: a third of the call's deadline goes to the wait, then the fetch goes alone with the rest, unreported", async () => {
    const readAt: number[] = [];
    const start = Date.now();
    const store = scripted({
      get: async () => (readAt.push(Date.now() - start), undefined),
      acquire: async () => false,
    });
    const { fetcher, fetch, onStoreError, lines } = protocolOver(store);
    const call = callOf(false, 300);
    const result = fetcher(call);
    await vi.advanceTimersByTimeAsync(99);
    expect(fetch).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    // The poll after 87 ms would sleep 100 ms, to 187: cut to a third of the deadline.
    expect(readAt).toEqual([0, 12, 37, 87, 100]);
    expect((await result).token).toBe("http-token");
    expect(fetch).toHaveBeenCalledWith(call); // the same deadline: 200 ms left
    expect(lines).toContain(
      "info token store: bank lock still busy after a third of the deadline; fetching alone",
    );
    // The store answered every call: nothing to report, nothing to bypass, nothing stored.
    expect(onStoreError).not.toHaveBeenCalled();
    expect(store.set).not.toHaveBeenCalled();
  });

  it("a lock freed at a third of the deadline is taken: the fetch stores its token", async () => {
    const start = Date.now();
    const store = scripted({ acquire: async () => Date.now() - start >= 100 });
    const { fetcher, fetch } = protocolOver(store);
    const result = fetcher(callOf(false, 300));
    await vi.advanceTimersByTimeAsync(100);
    expect((await result).token).toBe("http-token");
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(store.set).toHaveBeenCalledTimes(1);
  });
});

describe("a fleet's background refreshes behind a slow lock holder", () => {
  it("wait for the holder's token past a third of their deadline: one request for the fleet", async () => {
    // Four processes over one store (lock 1 s), deadline 1.5 s; the holder's request takes
    // 800 ms (a retry after a 503, a paced send). Nobody awaits a background refresh: its wait
    // costs nobody.
    const store = new MemoryTokenStore();
    const fleet = ["A", "B", "C", "D"].map(() => protocolOver(store));
    for (const process of fleet)
      process.fetch.mockImplementation(async () => {
        await new Promise((resolve) => setTimeout(resolve, 800));
        return {
          value: "from-http",
          token: "http-token",
          sentAt: Date.now(),
          lifetimeMs: LIFETIME_MS,
        };
      });
    const refreshes = fleet.map((process) => process.fetcher(callOf(true, 1_500)));
    await vi.advanceTimersByTimeAsync(2_000);
    const issued = await Promise.all(refreshes);
    expect(fleet.map((process) => process.fetch.mock.calls.length)).toEqual([1, 0, 0, 0]);
    expect(issued.map((token) => token.token)).toEqual(Array(4).fill("http-token"));
  });

  it("a background fetch after a long wait gets its whole deadline: the wait is not taken from it", async () => {
    const start = Date.now();
    const store = scripted({ acquire: async () => Date.now() - start >= 900 });
    const { fetcher, fetch } = protocolOver(store);
    const call = callOf(true, 1_200);
    const result = fetcher(call);
    await vi.advanceTimersByTimeAsync(1_000);
    await result;
    const [given] = fetch.mock.calls[0]!;
    // The lock, taken at the poll past 900 ms: its deadline is 1.2 s from then, not 300 ms.
    expect(given.deadlineAt - call.deadlineAt).toBeGreaterThanOrEqual(900);
  });
});

describe("the lock holder", () => {
  it("stores what it fetched for the token's usable lifetime, then releases the lock", async () => {
    const store = scripted();
    const { fetcher, fetch } = protocolOver(store);
    const issued = await fetcher(callOf());
    expect(fetch).toHaveBeenCalledTimes(1);
    const [key, record, ttlMs] = store.set.mock.calls[0]!;
    expect(JSON.parse(record)).toEqual({
      token: "http-token",
      sentAt: issued.sentAt,
      lifetimeMs: LIFETIME_MS,
      scopes: [],
    });
    // Usable until the lifetime minus its skew, min(30 s, 10%).
    expect(ttlMs).toBe(LIFETIME_MS - 30_000);
    expect(store.release).toHaveBeenCalledWith(key, store.acquire.mock.calls[0]![1]);
  });
});
