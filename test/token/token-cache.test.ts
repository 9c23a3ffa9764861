/**
 * The token cache, deterministic (fake-idp.ts: a fake `sendToIdp`, vitest's clock): single
 * flight, the refresh window, the backoff of a failing background refresh, abort, fences, the
 * LRU bounds, and the shared store around a slot's fetch.
 */
import { describe, expect, it, vi } from "vitest";
import { AuthenticationError, CybridIdError } from "../../src/errors/cybrid-id-error.js";
import { ERROR_CODES } from "../../src/errors/error-codes.js";
import type { SharedStore } from "../../src/token/issued-token.js";
import type { TokenFetcher } from "../../src/token/issued-token.js";
import { GUID, useFakeIdp } from "./fake-idp.js";

vi.mock("../../src/pipeline/idp-pipeline.js", () => ({ sendToIdp: vi.fn() }));

const { sent, lines, cacheWith, settle } = useFakeIdp();

/** A cache whose default bank slot holds `token`, fetched now (its first request answered). */
async function cacheHolding(token: string, ...options: Parameters<typeof cacheWith>) {
  const cache = cacheWith(...options);
  const first = cache.bank.get();
  sent[0]!.answer(token);
  await first;
  return cache;
}

describe("the bank token slot", () => {
  it("serves a fresh token with no request, and shares one fetch among concurrent callers", async () => {
    const { bank } = cacheWith();
    const waiting = [bank.get(), bank.get(), bank.get(["accounts:read"])];
    expect(sent).toHaveLength(1);
    expect(sent[0]!.background).toBe(false);
    sent[0]!.answer("first");
    const tokens = await Promise.all(waiting);
    expect(tokens.map((t) => t.accessToken)).toEqual(["first", "first", "first"]);
    expect(tokens[0]).toMatchObject({ tokenType: "Bearer", scopes: ["accounts:read"] });
    expect(Object.isFrozen(tokens[0])).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect((await bank.get()).accessToken).toBe("first");
    expect(sent).toHaveLength(1);
  });

  it("in the refresh window: serves the token and starts ONE background refresh", async () => {
    const { bank } = await cacheHolding("first");
    // 60 s from the start of the second it was sent in: the window opens by 85% (51 s), the
    // token is usable until 54 s (the skew is 10%).
    vi.setSystemTime(Date.now() + 52_000);
    const served = await Promise.all([bank.get(), bank.get(), bank.get()]);
    expect(served.map((t) => t.accessToken)).toEqual(["first", "first", "first"]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.background).toBe(true);
    sent[1]!.answer("second");
    await settle();
    expect((await bank.get()).accessToken).toBe("second");
    expect(sent).toHaveLength(2);
  });

  it("a caller who joins a background refresh (the token ran out meanwhile) waits until its own deadline at most", async () => {
    const { bank } = await cacheHolding("first", { deadline: 5_000 });
    vi.setSystemTime(Date.now() + 52_000); // in the refresh window, still usable
    await bank.get();
    expect(sent[1]!.background).toBe(true); // unanswered: waiting on a Retry-After, a lock...
    vi.setSystemTime(Date.now() + 3_000); // 55 s: past the usable end (54 s)
    const joined = bank.get();
    const outcome = joined.then(
      () => "served",
      (error: CybridIdError) => error.code,
    );
    await vi.advanceTimersByTimeAsync(4_999);
    expect(await Promise.race([outcome, "waiting"])).toBe("waiting");
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe(ERROR_CODES.DEADLINE_EXCEEDED);
    // The refresh goes on; its token serves the next caller, and its timer is gone.
    sent[1]!.answer("second");
    await settle();
    expect((await bank.get()).accessToken).toBe("second");
    expect(vi.getTimerCount()).toBe(0);
    expect(sent).toHaveLength(2);
  });

  it("a failed background refresh keeps the token and waits its backoff (no storm)", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const failures: { servingCached: boolean; nextTryAt: Date }[] = [];
    const { bank } = await cacheHolding("first", {
      hooks: { onRefreshFailed: (event) => failures.push(event) },
    });
    vi.setSystemTime(Date.now() + 50_000); // the window opened at 80% (random 0.5)
    await bank.get();
    sent[1]!.answer(Object.assign(new Error("down"), { code: "service_unavailable" }));
    await settle();
    expect(failures).toEqual([{ ...failures[0], servingCached: true }]);
    // Between half and all of 1 s for the first failure: 750 ms with random 0.5.
    expect(failures[0]!.nextTryAt.getTime() - Date.now()).toBe(750);
    expect(
      lines.some((l) =>
        /^warn .*bank token refresh failed \(service_unavailable\); still serving/.test(l),
      ),
    ).toBe(true);
    for (let i = 0; i < 100; i++) expect((await bank.get()).accessToken).toBe("first");
    await vi.advanceTimersByTimeAsync(749);
    await bank.get();
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await bank.get();
    expect(sent).toHaveLength(3);
    // The second failure in a row waits between 1 and 2 s: 1.5 s with random 0.5.
    sent[2]!.answer(new Error("down"));
    await settle();
    expect(failures[1]!.nextTryAt.getTime() - Date.now()).toBe(1_500);
  });

  it("a background refresh fenced by invalidate() that fails reports a next try due now, not 1970", async () => {
    const failures: { servingCached: boolean; nextTryAt: Date }[] = [];
    const { bank } = await cacheHolding("first", {
      hooks: { onRefreshFailed: (event) => failures.push(event) },
    });
    vi.setSystemTime(Date.now() + 52_000);
    await bank.get(); // starts the background refresh
    bank.invalidate();
    sent[1]!.answer(new Error("down"));
    await settle();
    expect(failures).toHaveLength(1);
    // Nothing waits: the next caller fetches at once.
    expect(failures[0]!.nextTryAt.getTime()).toBe(Date.now());
    expect(failures[0]!.servingCached).toBe(false);
  });

  it("past usableUntil, callers wait for the one fetch", async () => {
    const { bank } = await cacheHolding("first");
    vi.setSystemTime(Date.now() + 55_000);
    const waiting = Promise.all([bank.get(), bank.get()]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.background).toBe(false);
    sent[1]!.answer("second");
    expect((await waiting).map((t) => t.accessToken)).toEqual(["second", "second"]);
  });

  it("an aborted caller starts nothing and gets the signal's reason", async () => {
    const { bank, customers } = cacheWith();
    const reason = new Error("gone");
    await expect(bank.get(undefined, AbortSignal.abort(reason))).rejects.toBe(reason);
    await expect(
      customers.get({
        customerGuid: GUID,
        scopes: ["accounts:read"],
        signal: AbortSignal.abort(reason),
      }),
    ).rejects.toBe(reason);
    expect(sent).toHaveLength(0);
  });

  it("a caller's signal stops its own wait only; the fetch goes on for the others", async () => {
    const { bank } = cacheWith();
    const controller = new AbortController();
    const leaving = bank.get(undefined, controller.signal);
    const staying = bank.get();
    controller.abort(new Error("left"));
    await expect(leaving).rejects.toThrow("left");
    sent[0]!.answer("first");
    expect((await staying).accessToken).toBe("first");
    expect(sent).toHaveLength(1);
  });

  it("a shared fetch that fails after its only caller left is not an unhandled rejection", async () => {
    const { bank } = cacheWith();
    const controller = new AbortController();
    const waiting = bank.get(undefined, controller.signal);
    controller.abort(new Error("left"));
    await expect(waiting).rejects.toThrow("left");
    sent[0]!.answer(new Error("server down"));
    await settle(); // vitest fails the run on an unhandled rejection
  });

  it("invalidate() fences a fetch under way: later callers neither join it nor get its token", async () => {
    const { bank } = cacheWith();
    const early = bank.get();
    bank.invalidate();
    const late = bank.get();
    expect(sent).toHaveLength(2);
    sent[1]!.answer("new");
    expect((await late).accessToken).toBe("new");
    // The fenced fetch answers last: its callers get its token, the cache keeps the new one.
    sent[0]!.answer("old");
    expect((await early).accessToken).toBe("old");
    expect((await bank.get()).accessToken).toBe("new");
    expect(sent).toHaveLength(2);
  });

  it("invalidate(staleToken) drops that token only", async () => {
    const { bank } = await cacheHolding("first");
    bank.invalidate("another");
    expect((await bank.get()).accessToken).toBe("first");
    bank.invalidate("first");
    const next = bank.get();
    expect(sent).toHaveLength(2);
    sent[1]!.answer("second");
    expect((await next).accessToken).toBe("second");
  });

  it("reports a foreground failure to its callers and at debug, never as onRefreshFailed", async () => {
    const onRefreshFailed = vi.fn();
    const { bank } = cacheWith({ hooks: { onRefreshFailed } });
    const waiting = bank.get();
    sent[0]!.answer(Object.assign(new Error("down"), { code: "service_unavailable" }));
    await expect(waiting).rejects.toThrow("down");
    expect(onRefreshFailed).not.toHaveBeenCalled();
    expect(
      lines.some((l) => /^debug .*bank token fetch failed \(service_unavailable\)/.test(l)),
    ).toBe(true);
  });
});

describe("one deadline per customer token fetch", () => {
  const request = { customerGuid: GUID, scopes: ["accounts:read"] } as const;

  it("each request of the fetch gets only what the ones before left", async () => {
    const { customers } = cacheWith({ deadline: 3_000 });
    const deadlineAt = performance.now() + 3_000;
    const minted = customers.get(request);
    expect(sent[0]!.request.path).toBe("/oauth/token");
    await vi.advanceTimersByTimeAsync(1_000);
    sent[0]!.answer("bank-1");
    await settle();
    expect(sent[1]!.request.path).toBe("/api/customer_tokens");
    expect(sent[1]!.deadlineAt).toBe(deadlineAt);
    // A 401 that a new bank token fixes: the new bank token and the retry count against it too.
    await vi.advanceTimersByTimeAsync(500);
    sent[1]!.answer(new AuthenticationError("expired", { code: "authentication_failed" }));
    await settle();
    await vi.advanceTimersByTimeAsync(500);
    sent[2]!.answer("bank-2");
    await settle();
    expect(sent[3]!.deadlineAt).toBe(deadlineAt);
    sent[3]!.answer("customer");
    expect((await minted).accessToken).toBe("customer");
    expect(vi.getTimerCount()).toBe(0); // the wait for the bank token left no timer behind
  });

  it("a bank token not there by the deadline fails the fetch; the bank fetch goes on", async () => {
    const { bank, customers } = cacheWith({ deadline: 3_000 });
    let outcome: unknown;
    void customers.get(request).catch((error: unknown) => (outcome = error));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(outcome).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toBeInstanceOf(CybridIdError);
    expect(outcome).toMatchObject({
      name: "TimeoutError",
      code: ERROR_CODES.DEADLINE_EXCEEDED,
      attempts: 0,
    });
    sent[0]!.answer("bank-1");
    expect((await bank.get()).accessToken).toBe("bank-1");
    expect(sent).toHaveLength(1);
  });

  it("a background refresh has the same bound", async () => {
    const onRefreshFailed = vi.fn();
    const { bank, customers } = cacheWith({ deadline: 3_000, hooks: { onRefreshFailed } });
    const first = customers.get(request);
    sent[0]!.answer("bank-1");
    await settle();
    sent[1]!.answer("customer-1");
    await first;
    bank.invalidate();
    vi.setSystemTime(Date.now() + 52_000); // in the customer token's refresh window
    expect((await customers.get(request)).accessToken).toBe("customer-1");
    expect(sent[2]!.request.path).toBe("/oauth/token");
    await vi.advanceTimersByTimeAsync(3_000);
    expect(onRefreshFailed).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: "customer",
        error: expect.objectContaining({ code: ERROR_CODES.DEADLINE_EXCEEDED }),
      }),
    );
  });
});

describe("with a shared store", () => {
  it("wraps each slot's fetch, rebuilds what it stored, and is told of invalidations", async () => {
    const wrapped: unknown[][] = [];
    const reject = vi.fn();
    const shared: SharedStore = {
      reject,
      wrap<T>(
        kind: "bank" | "customer",
        keyParts: readonly string[],
        fetch: TokenFetcher<T>,
        rebuild: (stored: {
          token: string;
          sentAt: number;
          lifetimeMs: number;
          scopes: readonly string[];
        }) => T,
      ): TokenFetcher<T> {
        wrapped.push([kind, keyParts]);
        // The store holds a token from another process: no request.
        const value = rebuild({
          token: "stored",
          sentAt: Date.now(),
          lifetimeMs: 60_000,
          scopes: ["accounts:read"],
        });
        void fetch;
        return async () => ({ value, token: "stored", sentAt: Date.now(), lifetimeMs: 60_000 });
      },
    };
    const { bank, customers } = cacheWith({}, shared);
    expect(await bank.get()).toMatchObject({ accessToken: "stored", scopes: ["accounts:read"] });
    expect(await customers.get({ customerGuid: GUID, scopes: ["accounts:read"] })).toMatchObject({
      accessToken: "stored",
      customerGuid: GUID,
    });
    expect(wrapped).toEqual([
      ["bank", ["/oauth/token", "accounts:read"]],
      ["customer", [GUID, "accounts:read"]],
    ]);
    expect(sent).toHaveLength(0);
    bank.invalidate("stored");
    expect(reject).toHaveBeenCalledWith("stored");
  });
});
