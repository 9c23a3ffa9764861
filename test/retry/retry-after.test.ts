import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { retryAfterMs } from "../../src/retry/retry-after.js";
import { backoffDelay } from "../../src/retry/backoff.js";

describe("retryAfterMs", () => {
  const now = Date.parse("2026-11-21T12:00:00Z");
  it("reads seconds, HTTP dates and retry-after-ms (which wins)", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "3" }), now)).toBe(3000);
    expect(retryAfterMs(new Headers({ "retry-after": "Sat, 21 Nov 2026 12:00:30 GMT" }), now)).toBe(
      30_000,
    );
    expect(retryAfterMs(new Headers({ "retry-after": "Sat, 21 Nov 2026 11:00:00 GMT" }), now)).toBe(
      0,
    );
    expect(retryAfterMs(new Headers({ "retry-after": "3", "retry-after-ms": "150" }), now)).toBe(
      150,
    );
    expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it("ignores a Retry-After that is not a strict HTTP date (RFC 9110), however Date.parse reads it", () => {
    for (const garbage of ["soon 2030", "tomorrow 12:00", "Sat, 21 Nov 2026", "1e3", "-5"])
      expect(retryAfterMs(new Headers({ "retry-after": garbage }), now), garbage).toBeUndefined();
    // The obsolete formats recipients must still accept.
    expect(
      retryAfterMs(new Headers({ "retry-after": "Saturday, 21-Nov-26 12:00:05 GMT" }), now),
    ).toBe(5_000);
    expect(retryAfterMs(new Headers({ "retry-after": "Sat Nov 21 12:00:07 2026" }), now)).toBe(
      7_000,
    );
  });

  it("ignores absurd retry-after-ms values and caps huge waits at the timer range", () => {
    for (const bad of ["-1", "NaN", "abc", "Infinity", "1e400", "0x10", "12ms"]) {
      expect(retryAfterMs(new Headers({ "retry-after-ms": bad }), now), bad).toBeUndefined();
      // ... and falls back to Retry-After when the other one is garbage.
      expect(
        retryAfterMs(new Headers({ "retry-after-ms": bad, "retry-after": "2" }), now),
        bad,
      ).toBe(2_000);
    }
    expect(retryAfterMs(new Headers({ "retry-after-ms": "12.7" }), now)).toBe(13);
    const MAX = 2 ** 31 - 1;
    expect(retryAfterMs(new Headers({ "retry-after-ms": "99999999999999" }), now)).toBe(MAX);
    expect(retryAfterMs(new Headers({ "retry-after": "99999999999999" }), now)).toBe(MAX);
    expect(retryAfterMs(new Headers({ "retry-after": "Fri, 31 Dec 9999 23:59:59 GMT" }), now)).toBe(
      MAX,
    );
  });
});

describe("backoffDelay", () => {
  it("stays within [0, min(max, base * 2^n)] (full jitter)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (retry, r) => {
          const delay = backoffDelay(retry, { base: 500, max: 8000 }, () => r);
          return delay >= 0 && delay <= Math.min(8000, 500 * 2 ** retry);
        },
      ),
    );
  });
});
