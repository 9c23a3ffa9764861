import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  decide,
  FALLBACK_LIFETIME_MS,
  lifetimeFromExpiresIn,
  planTokenTimes,
  refreshRetryDelay,
} from "../../src/token/token-timing.js";

describe("planTokenTimes", () => {
  it("opens the refresh window by 85% of any lifetime, with a skew of at most 10%", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1000, max: 48 * 3600 * 1000 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (sentAt, lifetime, r) => {
          const t = planTokenTimes(sentAt, lifetime, () => r);
          const skew = t.expiresAt - t.usableUntil;
          return (
            t.expiresAt === sentAt + lifetime &&
            skew >= 0 &&
            skew <= lifetime * 0.1 + 1e-3 &&
            t.refreshAt >= sentAt + lifetime * 0.75 - 1e-3 &&
            t.refreshAt <= sentAt + lifetime * 0.85 + 1e-3 &&
            t.refreshAt < t.usableUntil
          );
        },
      ),
    );
  });

  it("spreads a fleet's refreshes (jitter)", () => {
    const times = new Set(
      Array.from({ length: 50 }, () => Math.round(planTokenTimes(0, 1_800_000).refreshAt / 1000)),
    );
    expect(times.size).toBeGreaterThan(10);
  });
});

describe("lifetimeFromExpiresIn", () => {
  it("uses expires_in when it is a positive number (or numeric string)", () => {
    expect(lifetimeFromExpiresIn(28799, undefined)).toBe(28_799_000);
    expect(lifetimeFromExpiresIn("60", undefined)).toBe(60_000);
  });

  it("falls back to the JWT lifetime, then to the fallback, for unusable values", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(undefined),
          fc.constant(null),
          fc.integer({ max: 0 }),
          fc.constant(Number.NaN),
          fc.string().filter((s) => !(Number(s) > 0)),
        ),
        fc.option(fc.integer({ min: 1, max: 10 ** 9 }), { nil: undefined }),
        (expiresIn, jwt) => lifetimeFromExpiresIn(expiresIn, jwt) === (jwt ?? FALLBACK_LIFETIME_MS),
      ),
    );
  });
});

describe("refreshRetryDelay", () => {
  it("grows with failures and is capped at 60 s", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (failures, r) => {
          const delay = refreshRetryDelay(failures, () => r);
          const ceiling = Math.min(60_000, 1000 * 2 ** (failures - 1));
          return delay >= ceiling / 2 && delay <= ceiling;
        },
      ),
    );
  });
});

describe("decide", () => {
  it("never serves a token past usableUntil, never blocks while one is usable", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 10 ** 8 }),
        fc.integer({ min: -(10 ** 8), max: 2 * 10 ** 8 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 * 10 ** 8 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (lifetime, offset, refreshing, nextTryAt, r) => {
          const times = planTokenTimes(0, lifetime, () => r);
          const decision = decide(times, offset, refreshing, nextTryAt);
          const usable = offset < times.usableUntil;
          // Invariants: a served token always has at least the skew left before it expires;
          // callers wait only when no usable token is left; a refresh is started at most once
          // and only inside the window.
          const serves = decision !== "wait";
          return (
            serves === usable &&
            (!serves || times.expiresAt - offset >= Math.min(30_000, lifetime * 0.1) - 1e-3) &&
            (decision !== "serve-and-refresh" || (!refreshing && offset >= nextTryAt)) &&
            (decision !== "fresh" || offset < lifetime * 0.85)
          );
        },
      ),
    );
    expect(decide(undefined, 0, false, 0)).toBe("wait");
  });
});
