/**
 * The pacer's timing with fake timers (Date.now and setTimeout both faked): the in-flight cap,
 * the pause for Retry-After, the paced spacing, the deadline refusals, one cut per round trip,
 * and the end of pacing after a quiet minute.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createPacer,
  type Pacer,
  type PacingState,
  type SendSlot,
} from "../../src/pacing/pacer.js";

const T0 = 1_700_000_000_000;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

const elapsed = () => Date.now() - T0;
/** A deadline `ms` from now, on the pacer's clock. */
const inMs = (ms: number) => performance.now() + ms;

/** Resolves each acquire into a record of when its slot came (or how it failed). */
function track(promise: Promise<SendSlot>) {
  const record: { slot?: SendSlot; at?: number; error?: any } = {};
  promise.then(
    (slot) => Object.assign(record, { slot, at: elapsed() }),
    (error) => Object.assign(record, { error, at: elapsed() }),
  );
  return record;
}

const ok = { success: true, throttled: false } as const;
const throttled = (retryAfter?: number) => ({ success: false, throttled: true, retryAfter });

describe("unpaced", () => {
  it("sends at once up to maxInFlight, then as slots are released", async () => {
    const pacer = createPacer("/t", 2);
    const far = inMs(60_000);
    const a = track(pacer.acquire(far));
    const b = track(pacer.acquire(far));
    const c = track(pacer.acquire(far));
    await vi.advanceTimersByTimeAsync(0);
    expect([a.at, b.at, c.at]).toEqual([0, 0, undefined]);
    await vi.advanceTimersByTimeAsync(100);
    a.slot?.release(ok);
    await vi.advanceTimersByTimeAsync(0);
    expect(c.at).toBe(100);
    expect(pacer.state).toEqual({ endpoint: "/t", throttled: false, ratePerSecond: undefined });
  });

  it("a call queued for the in-flight cap fails with TimeoutError at its deadline", async () => {
    const pacer = createPacer("/t", 1);
    track(pacer.acquire(inMs(60_000)));
    const waiting = track(pacer.acquire(inMs(500)));
    await vi.advanceTimersByTimeAsync(499);
    expect(waiting.error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(waiting.error).toMatchObject({ name: "TimeoutError", code: "deadline_exceeded" });
  });

  it("waiters queued in any order each fail at their own deadline, the others still wait", async () => {
    const pacer = createPacer("/t", 1);
    const first = track(pacer.acquire(inMs(60_000)));
    const late = track(pacer.acquire(inMs(900)));
    const early = track(pacer.acquire(inMs(300)));
    const served = track(pacer.acquire(inMs(60_000)));
    await vi.advanceTimersByTimeAsync(300);
    expect([early.error?.code, early.at, late.error]).toEqual([
      "deadline_exceeded",
      300,
      undefined,
    ]);
    await vi.advanceTimersByTimeAsync(600);
    expect([late.error?.code, late.at]).toEqual(["deadline_exceeded", 900]);
    expect(served.slot).toBeUndefined();
    first.slot?.release(ok);
    await vi.advanceTimersByTimeAsync(0);
    expect(served.at).toBe(900);
  });

  it("a slot released twice frees one place only", async () => {
    const pacer = createPacer("/t", 1);
    const first = track(pacer.acquire(inMs(60_000)));
    const second = track(pacer.acquire(inMs(60_000)));
    const third = track(pacer.acquire(inMs(60_000)));
    await vi.advanceTimersByTimeAsync(0);
    first.slot?.release(ok);
    first.slot?.release(ok);
    await vi.advanceTimersByTimeAsync(0);
    expect([second.at, third.at]).toEqual([0, undefined]);
  });

  it("an aborted waiter leaves the queue with the signal's reason", async () => {
    const pacer = createPacer("/t", 1);
    track(pacer.acquire(inMs(60_000)));
    const controller = new AbortController();
    const waiting = track(pacer.acquire(inMs(60_000), controller.signal));
    controller.abort(new Error("stop"));
    await vi.advanceTimersByTimeAsync(0);
    expect(waiting.error?.message).toBe("stop");
  });
});

describe("a wall-clock step", () => {
  // NTP stepping a fast clock back, a VM resumed from a snapshot: Date.now() jumps, the
  // pacer's clock (performance.now) does not. Deadlines are given on the wall clock.
  it("back by an hour after a throttle neither pauses the endpoint nor slows its pace", async () => {
    const pacer = createPacer("/t", 16);
    const first = await pacer.acquire(inMs(60_000));
    first.release(throttled(1_000));
    await vi.advanceTimersByTimeAsync(3_000); // the pause is over, the rate climbing back
    const rate = pacer.state.ratePerSecond;
    vi.setSystemTime(Date.now() - 3_600_000);
    expect(pacer.state.ratePerSecond).toBe(rate);
    const next = track(pacer.acquire(inMs(5_000)));
    await vi.advanceTimersByTimeAsync(0);
    expect(next.error).toBeUndefined();
    expect(next.slot).toBeDefined();
  });

  it("forward does not move a queued call's deadline: it still waits for its slot", async () => {
    const pacer = createPacer("/t", 1);
    const held = await pacer.acquire(inMs(60_000));
    const queued = track(pacer.acquire(inMs(5_000)));
    vi.setSystemTime(Date.now() + 3_600_000);
    await vi.advanceTimersByTimeAsync(1_000);
    held.release(ok);
    await vi.advanceTimersByTimeAsync(0);
    expect(queued.error).toBeUndefined();
    expect(queued.slot).toBeDefined();
  });
});

describe("paced", () => {
  /** 20 successes sent in the last second, then a throttle with Retry-After 300 ms. */
  async function throttledAt20(pacer: Pacer): Promise<void> {
    for (let i = 0; i < 20; i++) {
      (await pacer.acquire(inMs(60_000))).release(ok);
      await vi.advanceTimersByTimeAsync(10);
    }
    (await pacer.acquire(inMs(60_000))).release(throttled(300));
  }

  it("starts from the measured rate, waits out Retry-After, then spaces sends", async () => {
    const changes: PacingState[] = [];
    const pacer = createPacer("/t", 16, (state) => changes.push(state));
    await throttledAt20(pacer);
    // 20 succeeded within the last second: paced to 0.7 x 20 = 14/s.
    expect(changes).toEqual([{ endpoint: "/t", throttled: true, ratePerSecond: 14 }]);
    const cutAt = elapsed();
    const sends = [0, 1, 2].map(() => track(pacer.acquire(inMs(60_000))));
    await vi.advanceTimersByTimeAsync(1_000);
    const times = sends.map((s) => (s.at ?? NaN) - cutAt);
    expect(times[0]).toBe(300); // Retry-After
    // Then spaced by the rate, which climbs back along the curve: 1000 / 16.3 ms after 0.3 s
    // (20 x (1 + 0.0375 x (0.3 - 2)^3)), a little less each time.
    const first = 1000 / (20 * (1 + 0.0375 * (0.3 - 2) ** 3));
    expect(Math.abs(times[1]! - times[0]! - first)).toBeLessThanOrEqual(1);
    expect(times[2]! - times[1]!).toBeLessThanOrEqual(times[1]! - times[0]!);
    expect(times[2]! - times[1]!).toBeGreaterThan(50);
  });

  it("refuses at once, unsent, a call whose slot comes after its deadline", async () => {
    const pacer = createPacer("/t", 16);
    await throttledAt20(pacer);
    const queued = Array.from({ length: 10 }, () => track(pacer.acquire(inMs(500))));
    await vi.advanceTimersByTimeAsync(0);
    // At today's 14/s the slots come at 300, 371, 443, 514 ms...: three fit before 500 ms, the
    // other seven fail now (the estimate is cautious: the rate climbs meanwhile).
    const refused = queued.filter((q) => q.error !== undefined);
    expect(refused).toHaveLength(7);
    expect(refused[0]?.error).toMatchObject({
      name: "RateLimitError",
      code: "rate_limited_locally",
    });
    expect(refused[0]?.error.retryAfter).toBeGreaterThan(500);
    const askedAt = elapsed();
    expect(refused.every((q) => q.at === askedAt)).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(queued.filter((q) => q.slot !== undefined).length).toBeGreaterThanOrEqual(3);
  });

  it("refuses at once a queued call that a later Retry-After pushes past its deadline", async () => {
    const pacer = createPacer("/t", 16);
    const [first, second] = await Promise.all([1, 2].map(() => pacer.acquire(inMs(60_000))));
    first?.release(throttled(100)); // cuts, and pauses 100 ms
    const queued = track(pacer.acquire(inMs(400)));
    await vi.advanceTimersByTimeAsync(0);
    expect(queued.error).toBeUndefined();
    second?.release(throttled(1_000)); // sent before the cut: no new cut, but a longer pause
    await vi.advanceTimersByTimeAsync(0);
    expect(queued.error).toMatchObject({ code: "rate_limited_locally", retryAfter: 1_000 });
  });

  it("cuts once per round trip: answers to requests sent before the cut do not cut again", async () => {
    const changes: PacingState[] = [];
    const pacer = createPacer("/t", 16, (state) => changes.push(state));
    for (let i = 0; i < 20; i++) {
      (await pacer.acquire(inMs(60_000))).release(ok);
      await vi.advanceTimersByTimeAsync(10);
    }
    const inFlight = await Promise.all([1, 2, 3].map(() => pacer.acquire(inMs(60_000))));
    for (const slot of inFlight) slot.release(throttled(100));
    expect(changes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    // A request sent after the cut and throttled does cut again.
    (await pacer.acquire(inMs(60_000))).release(throttled(100));
    expect(changes).toHaveLength(2);
    expect(changes[1]?.ratePerSecond).toBeLessThan(changes[0]!.ratePerSecond!);
  });

  it("ends pacing after a quiet minute", async () => {
    const changes: PacingState[] = [];
    const pacer = createPacer("/t", 16, (state) => changes.push(state));
    await throttledAt20(pacer);
    await vi.advanceTimersByTimeAsync(60_000);
    (await pacer.acquire(inMs(1_000))).release(ok);
    // Started, then ended.
    expect(changes.map((state) => state.throttled)).toEqual([true, false]);
    expect(pacer.state.throttled).toBe(false);
  });
});
