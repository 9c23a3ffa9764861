/**
 * The send rate's curve on a fake clock: the first cut from the measured rate, recovery to the
 * old rate in 2 s, then a steeper climb that finds a tenfold limit within seconds.
 */
import { describe, expect, it } from "vitest";
import { createSendRate, MIN_RATE } from "../../src/pacing/send-rate.js";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("the send rate", () => {
  it("is unpaced until the first cut, which starts from 0.7 of the measured success rate", () => {
    const time = clock();
    const rate = createSendRate(time.now);
    expect(rate.current()).toBeUndefined();
    for (let i = 0; i < 40; i++) {
      rate.recordSuccess(time.now());
      time.advance(20); // 40 in 800 ms: 40 within the last second
    }
    rate.cut();
    expect(rate.current()).toBeCloseTo(28); // paced
  });

  it("climbs back to the rate of the cut in 2 s, then x1.9 a second later and x8 two seconds later", () => {
    const time = clock();
    const rate = createSendRate(time.now);
    for (let i = 0; i < 40; i++) rate.recordSuccess(time.now());
    rate.cut();
    time.advance(1_000);
    expect(rate.current()).toBeCloseTo(40 * (1 - 0.3 / 8)); // concave: close to 40 already
    time.advance(1_000);
    expect(rate.current()).toBeCloseTo(40);
    time.advance(1_000);
    expect(rate.current()).toBeCloseTo(40 * 1.9);
    time.advance(1_000);
    expect(rate.current()).toBeCloseTo(40 * 8.2);
  });

  it("a later cut starts from the measured rate, bounded by the paced rate and 0.7 of it", () => {
    const time = clock();
    const rate = createSendRate(time.now);
    for (let i = 0; i < 40; i++) rate.recordSuccess(time.now());
    rate.cut(); // 28/s, ceiling 40
    time.advance(2_500); // the curve is past 40
    const paced = rate.current()!;
    for (let i = 0; i < 30; i++) rate.recordSuccess(time.now() - i * 10);
    // 30 got through in the last second: the new curve starts at 0.7 x 30 (30 >= 0.7 x paced).
    rate.cut();
    expect(rate.current()).toBeCloseTo(0.7 * Math.min(paced, Math.max(30, 0.7 * paced)));
    // Nothing got through: not below 0.7 x 0.7 of the paced rate.
    time.advance(1_500);
    const before = rate.current()!;
    rate.cut();
    expect(rate.current()).toBeCloseTo(0.49 * before);
  });

  it("never goes below the floor", () => {
    const time = clock();
    const rate = createSendRate(time.now);
    rate.cut();
    expect(rate.current()).toBe(MIN_RATE);
    for (let i = 0; i < 10; i++) rate.cut();
    expect(rate.current()).toBe(MIN_RATE);
  });
});
