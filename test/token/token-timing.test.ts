import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  decide,
  FALLBACK_LIFETIME_MS,
  lifetimeAnchor,
  lifetimeFromExpiresIn,
  MAX_LIFETIME_MS,
  MIN_LIFETIME_MS,
  planTokenTimes,
  refreshRetryDelay,
  tokenLifetime,
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

describe("tokenLifetime", () => {
  /**
   * A whole-second server (oidc-provider, Doorkeeper), its clock agreeing with ours: it issues
   * the token `issueDelay` after we sent the request, with `exp = floor(issue) + ttl`, and
   * stamps its `Date` header (whole seconds) `dateDelay` later. It may or may not send
   * `created_at`, a JWT `exp`, or (a browser hides it cross-origin) the `Date` header.
   */
  const wholeSecondServer = fc.record({
    sentAt: fc.integer({ min: 1_600_000_000_000, max: 2_000_000_000_000 }),
    issueDelay: fc.integer({ min: 0, max: 3_000 }),
    dateDelay: fc.integer({ min: 0, max: 1_500 }),
    ttl: fc.integer({ min: 1, max: 48 * 3600 }),
    sendsDate: fc.boolean(),
    sendsCreatedAt: fc.boolean(),
    sendsExp: fc.boolean(),
    random: fc.double({ min: 0, max: 0.999999, noNaN: true }),
  });

  it("never uses a token of 1 s or more past a whole-second server's expiry", () => {
    fc.assert(
      fc.property(wholeSecondServer, (server) => {
        const issuedAt = Math.floor((server.sentAt + server.issueDelay) / 1000);
        const serverExpiry = (issuedAt + server.ttl) * 1000;
        const dateHeader = Math.floor(
          (server.sentAt + server.issueDelay + server.dateDelay) / 1000,
        );
        const { anchor, lifetimeMs } = tokenLifetime({
          sentAt: server.sentAt,
          serverDate: server.sendsDate ? dateHeader * 1000 : undefined,
          expiresIn: server.ttl,
          issuedAt: server.sendsCreatedAt ? issuedAt : undefined,
          exp: server.sendsExp ? issuedAt + server.ttl : undefined,
        });
        const times = planTokenTimes(anchor, lifetimeMs, () => server.random);
        return times.usableUntil <= serverExpiry && times.expiresAt <= serverExpiry;
      }),
    );
  });

  it("loses at most a second (or the server's shift of up to 5 s) of the lifetime", () => {
    fc.assert(
      fc.property(wholeSecondServer, (server) => {
        const issuedAt = Math.floor((server.sentAt + server.issueDelay) / 1000);
        const { anchor, lifetimeMs } = tokenLifetime({
          sentAt: server.sentAt,
          expiresIn: server.ttl,
          issuedAt: server.sendsCreatedAt ? issuedAt : undefined,
        });
        return lifetimeMs === server.ttl * 1000 && anchor > server.sentAt - 1000;
      }),
    );
    // A server clock 4 s behind is trusted, 6 s behind is not.
    expect(lifetimeAnchor(10_500, 6.5)).toBe(6_500);
    expect(lifetimeAnchor(10_500, undefined, 6_000)).toBe(6_000);
    expect(lifetimeAnchor(10_500, 4.5, 4_000)).toBe(10_000);
  });

  it("bounds the lifetime by the token's own exp, and says when exp had already passed", () => {
    const sentAt = 1_700_000_000_500;
    const now = sentAt / 1000;
    expect(tokenLifetime({ sentAt, expiresIn: 3600, exp: now + 60 }).lifetimeMs).toBe(60_500);
    // A customer JWT an hour old, expired a minute ago: nothing usable (zero or less).
    const expired = tokenLifetime({
      sentAt,
      issuedAt: now - 3660,
      exp: now - 60,
      jwtLifetime: 3_600_000,
    });
    expect(expired.anchor + expired.lifetimeMs).toBeLessThanOrEqual(sentAt);
  });

  it("always gives a valid expiry Date, at most a year away, whatever the numbers", () => {
    const anyNumber = fc.oneof(
      fc.double(),
      fc.constantFrom(1e13, 1e15, 1e300, Number.MAX_VALUE, -1e15),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        anyNumber,
        anyNumber,
        anyNumber,
        fc.option(fc.double({ min: 1, max: 1e20, noNaN: true }), { nil: undefined }),
        (sentAt, expiresIn, issuedAt, exp, jwtLifetime) => {
          const { anchor, lifetimeMs } = tokenLifetime({
            sentAt,
            expiresIn,
            issuedAt,
            exp,
            jwtLifetime,
          });
          return (
            lifetimeMs <= MAX_LIFETIME_MS &&
            anchor <= sentAt &&
            (anchor + lifetimeMs <= sentAt ||
              Number.isFinite(new Date(anchor + lifetimeMs).getTime()))
          );
        },
      ),
    );
  });

  it("reads a sub-second expires_in as one second from the send time", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 42 }),
        fc.double({ min: Number.MIN_VALUE, max: 0.999, noNaN: true }),
        (sentAt, expiresIn) => {
          const lifetime = tokenLifetime({ sentAt, expiresIn, serverDate: sentAt - 900 });
          return lifetime.lifetimeMs === MIN_LIFETIME_MS && lifetime.anchor === sentAt;
        },
      ),
    );
    expect(lifetimeFromExpiresIn(1e13, undefined)).toBe(MAX_LIFETIME_MS);
  });
});

describe("refreshRetryDelay", () => {
  it("is between half and all of a ceiling of 1 s, doubling with each failure up to 60 s", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (failures, r) => {
          const delay = refreshRetryDelay(failures, () => r);
          const ceiling = Math.min(60_000, 1000 * 2 ** (failures - 1));
          return (
            delay >= ceiling / 2 && delay < ceiling && delay === Math.floor((0.5 + r / 2) * ceiling)
          );
        },
      ),
    );
    expect(refreshRetryDelay(1, () => 0.999)).toBeLessThan(1_000);
    expect(refreshRetryDelay(50, () => 0.999)).toBeLessThan(60_000);
    expect(refreshRetryDelay(50, () => 0.999)).toBeGreaterThan(59_000);
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
