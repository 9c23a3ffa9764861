/**
 * The retry budget on a fake clock: retries cost 5 (timeouts 10), successes give 1 back, and a
 * small reserve keeps one call's retries going once the bucket is spent: paid now, or after a
 * wait for its next refill, booked one at a time.
 */
import { describe, expect, it, vi } from "vitest";
import { createRetryBudget } from "../../src/pacing/retry-budget.js";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** `n` claims at the same instant, each with a minute left. */
const claims = (budget: ReturnType<typeof createRetryBudget>, n: number) =>
  Array.from({ length: n }, () => budget.claimRetry(false, 60_000));

describe("the retry budget", () => {
  it("250 pays for 50 retries, then the reserve's 2, then a wait for its next refill, then none", () => {
    const budget = createRetryBudget(250, clock().now);
    expect(claims(budget, 50).every((wait) => wait === 0)).toBe(true);
    expect(budget.available).toBe(0);
    expect(claims(budget, 4)).toEqual([0, 0, 1_000, undefined]);
  });

  it("a retried timeout costs twice as much", () => {
    const budget = createRetryBudget(20, clock().now);
    expect(budget.claimRetry(true, 60_000)).toBe(0);
    expect(budget.available).toBe(10);
    expect(budget.claimRetry(false, 60_000)).toBe(0);
    expect(budget.available).toBe(5);
  });

  it("successes refill it, one each, up to the capacity", () => {
    const budget = createRetryBudget(10, clock().now);
    claims(budget, 2);
    for (let i = 0; i < 4; i++) budget.recordSuccess();
    expect(budget.available).toBe(4);
    // 4 cannot pay for a retry: the reserve does, and the bucket keeps its 4.
    expect(budget.claimRetry(false, 60_000)).toBe(0);
    expect(budget.available).toBe(4);
    for (let i = 0; i < 100; i++) budget.recordSuccess();
    expect(budget.available).toBe(10);
  });

  it("the reserve refills at one retry per second, up to 2; a storm books one refill at a time", () => {
    const time = clock();
    const budget = createRetryBudget(0, time.now);
    // The 2 it holds, the next refill booked by one, the rest refused at once.
    expect(claims(budget, 100)).toEqual([0, 0, 1_000, ...Array<undefined>(97)]);
    time.advance(400);
    expect(claims(budget, 100)).toEqual(Array<undefined>(100));
    // At the refill the booking took, the next one is booked by one claim only: no herd.
    time.advance(600);
    expect(claims(budget, 100)).toEqual([1_000, ...Array<undefined>(99)]);
    time.advance(1_500);
    expect(claims(budget, 100)).toEqual([500, ...Array<undefined>(99)]);
    time.advance(10_000);
    expect(claims(budget, 4)).toEqual([0, 0, 1_000, undefined]);
  });

  it("a refill not due within the time the call has left is refused, and not booked", () => {
    const time = clock();
    const budget = createRetryBudget(0, time.now);
    claims(budget, 2);
    expect(budget.claimRetry(false, 1_000)).toBeUndefined();
    expect(budget.claimRetry(true, 999)).toBeUndefined();
    expect(budget.claimRetry(false, 1_001)).toBe(1_000);
    time.advance(1_000);
    expect(budget.claimRetry(false, 60_000)).toBe(1_000);
  });

  it("a wall-clock step back does not starve the reserve (its clock is monotonic)", () => {
    vi.useFakeTimers();
    try {
      const budget = createRetryBudget(0);
      expect(claims(budget, 3)).toEqual([0, 0, 1_000]); // the reserve, then a booked refill
      vi.setSystemTime(Date.now() - 3_600_000);
      vi.advanceTimersByTime(2_000);
      expect(budget.claimRetry(false, 60_000)).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
