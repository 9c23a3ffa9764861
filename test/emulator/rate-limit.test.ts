/**
 * The emulator's rate limiter on its own, with the clock passed in: refusals, and memory that
 * stays bounded however many client ids a long run sees.
 */
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../src/emulator/rate-limit.js";

describe("RateLimiter", () => {
  it("refuses past max within the window, and says how long to wait", () => {
    const limiter = new RateLimiter({ max: 2, windowMs: 1000 });
    expect(limiter.take("a", 0)).toBeUndefined();
    expect(limiter.take("a", 100)).toBeUndefined();
    expect(limiter.take("a", 200)).toBe(800);
    expect(limiter.take("b", 200)).toBeUndefined();
    expect(limiter.take("a", 1000)).toBeUndefined();
  });

  it("forgets a client id once its window has passed: many ids over a long run stay bounded", () => {
    const limiter = new RateLimiter({ max: 5, windowMs: 1000 });
    for (let i = 0; i < 10_000; i++) limiter.take(`client-${i}`, i);
    // Ten windows on, only the ids of the last window (and this one) can still matter.
    limiter.take("latest", 10_000);
    expect(limiter.size).toBeLessThanOrEqual(1001);
    limiter.take("later", 20_000);
    expect(limiter.size).toBe(1);
  });
});
