/**
 * The retry budget on a fake clock: retries cost 5 (timeouts 10), successes give 1 back, and a
 * small reserve keeps one call's retries going once the bucket is spent.
 */
import { describe, expect, it } from "vitest";
import { createRetryBudget } from "../../src/pacing/retry-budget.js";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("the retry budget", () => {
  it("250 pays for 50 retries, then the reserve's 2, then none", () => {
    const time = clock();
    const budget = createRetryBudget(250, time.now);
    let granted = 0;
    while (budget.tryRetry(false)) granted++;
    expect(granted).toBe(52);
    expect(budget.available).toBe(0);
  });

  it("a retried timeout costs twice as much", () => {
    const budget = createRetryBudget(20, clock().now);
    expect(budget.tryRetry(true)).toBe(true);
    expect(budget.available).toBe(10);
    expect(budget.tryRetry(false)).toBe(true);
    expect(budget.available).toBe(5);
  });

  it("successes refill it, one each, up to the capacity", () => {
    const budget = createRetryBudget(10, clock().now);
    budget.tryRetry(false);
    budget.tryRetry(false);
    for (let i = 0; i < 4; i++) budget.recordSuccess();
    expect(budget.available).toBe(4);
    // 4 cannot pay for a retry: the reserve does, and the bucket keeps its 4.
    expect(budget.tryRetry(false)).toBe(true);
    expect(budget.available).toBe(4);
    for (let i = 0; i < 100; i++) budget.recordSuccess();
    expect(budget.available).toBe(10);
  });

  it("the reserve refills at one retry per second, up to 2", () => {
    const time = clock();
    const budget = createRetryBudget(0, time.now);
    expect([budget.tryRetry(false), budget.tryRetry(false), budget.tryRetry(false)]).toEqual([
      true,
      true,
      false,
    ]);
    time.advance(999);
    expect(budget.tryRetry(false)).toBe(false);
    time.advance(1);
    expect(budget.tryRetry(false)).toBe(true);
    expect(budget.tryRetry(false)).toBe(false);
    time.advance(10_000);
    expect([budget.tryRetry(false), budget.tryRetry(false), budget.tryRetry(false)]).toEqual([
      true,
      true,
      false,
    ]);
  });
});
