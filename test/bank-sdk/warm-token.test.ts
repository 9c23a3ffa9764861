/**
 * The bridge's refresh scheduling, deterministic: fake timers and clock, a fake getToken.
 * A 100 s token: usable until 90 s (skew min(30 s, 10%)), polled from 75 s (the earliest the
 * client's refresh window opens), then at a quarter of the remaining usable time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WarmToken } from "../../src/bank-sdk/warm-token.js";
import type { AccessToken } from "../../src/index.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");

function token(name: string, expiresAt: number): AccessToken {
  return {
    accessToken: name,
    tokenType: "Bearer",
    scopes: ["customers:read"],
    expiresAt: new Date(expiresAt),
  };
}

/** A getToken whose answers the test queues; it counts the calls. */
function fakeGetToken() {
  const answers: (AccessToken | Error)[] = [];
  const fake = {
    calls: 0,
    answers,
    getToken: () => {
      fake.calls += 1;
      const answer = answers.shift();
      if (answer === undefined) throw new Error("no answer queued");
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return fake;
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

async function warmed(fake: ReturnType<typeof fakeGetToken>): Promise<WarmToken> {
  fake.answers.push(token("first", T0 + 100_000));
  const warm = new WarmToken(fake.getToken);
  await warm.warm();
  return warm;
}

describe("WarmToken scheduling", () => {
  it("polls from 75% of the lifetime, then more often, and adopts the refreshed token", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    await vi.advanceTimersByTimeAsync(74_999);
    expect(fake.calls).toBe(1); // the warm-up only
    fake.answers.push(token("first", T0 + 100_000)); // the client still serves it
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toBe(2);
    // Next poll a quarter of the way to the end of its usable life: 75 + (90 - 75) / 4.
    fake.answers.push(token("second", T0 + 180_000)); // the client's refresh has brought one
    await vi.advanceTimersByTimeAsync(3_749);
    expect(fake.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toBe(3);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("second");
    // The new token's own schedule: received at 78.75 s, lifetime 101.25 s, polled from 75%.
    await vi.advanceTimersByTimeAsync(75_937);
    expect(fake.calls).toBe(3);
    warm.dispose();
  });

  it("serves the token until its lifetime minus the skew, never after", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    fake.answers.push(...Array.from({ length: 50 }, () => token("first", T0 + 100_000)));
    await vi.advanceTimersByTimeAsync(89_999);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("first");
    await vi.advanceTimersByTimeAsync(1);
    expect(warm.usableAt(Date.now())).toBeUndefined();
    // Near the end it polls often, but never more than once per 50 ms.
    const before = fake.calls;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.calls - before).toBeLessThanOrEqual(20);
    warm.dispose();
  });

  it("a call past the poll time polls at once, even if the timer has not run", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    vi.setSystemTime(T0 + 80_000); // the clock moves, no timer fires (a blocked event loop)
    fake.answers.push(token("second", T0 + 180_000));
    expect(warm.usableAt(Date.now())?.accessToken).toBe("first");
    expect(fake.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("second");
    expect(fake.calls).toBe(2); // the new token is not due yet
    warm.dispose();
  });

  it("after a failed poll, keeps the error and tries again within 1 s, then 2 s", async () => {
    // The pause is the client's refresh backoff, full jitter below 1 s, 2 s...: pinned to the
    // middle (500 ms, then 1 s) so that the polls below are counted exactly.
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    const outage = new Error("outage");
    fake.answers.push(outage, outage, token("second", T0 + 200_000));
    await vi.advanceTimersByTimeAsync(75_000);
    expect(fake.calls).toBe(2);
    expect(warm.lastError).toBe(outage);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fake.calls).toBe(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.calls).toBe(4);
    expect(warm.lastError).toBeUndefined();
    expect(warm.usableAt(Date.now())?.accessToken).toBe("second");
    warm.dispose();
  });

  it("dispose stops every poll, by timer or by call", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    warm.dispose();
    await vi.advanceTimersByTimeAsync(80_000);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("first");
    await vi.advanceTimersByTimeAsync(1_000_000);
    expect(fake.calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("dispose during a poll: the poll's answer schedules nothing", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    fake.answers.push(token("first", T0 + 100_000));
    vi.setSystemTime(T0 + 80_000);
    warm.usableAt(Date.now()); // starts a poll, answered on the next tick
    warm.dispose();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a JWT the client already had: times from its whole lifetime (exp - iat), as the client's", async () => {
    const fake = fakeGetToken();
    // Issued 50 s ago for 100 s: the client uses it until 90 s (T0 + 40 s), refreshes from 75 s.
    const segment = (json: object) => Buffer.from(JSON.stringify(json)).toString("base64url");
    const claims = { iat: (T0 - 50_000) / 1000, exp: (T0 + 50_000) / 1000 };
    const jwt = `${segment({ alg: "none" })}.${segment(claims)}.sig`;
    fake.answers.push(token(jwt, T0 + 50_000), token(jwt, T0 + 50_000));
    const warm = new WarmToken(fake.getToken);
    await warm.warm();
    await vi.advanceTimersByTimeAsync(24_999);
    expect(fake.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toBe(2);
    vi.setSystemTime(T0 + 39_999);
    expect(warm.usableAt(Date.now())).toBeDefined();
    vi.setSystemTime(T0 + 40_000);
    expect(warm.usableAt(Date.now())).toBeUndefined();
    warm.dispose();
  });

  it("a token that is already past its end is polled again after 50 ms, not in a loop", async () => {
    const fake = fakeGetToken();
    fake.answers.push(token("stale", T0 - 1_000));
    const warm = new WarmToken(fake.getToken);
    await warm.warm();
    expect(warm.usableAt(Date.now())).toBeUndefined();
    fake.answers.push(token("fresh", T0 + 100_000));
    await vi.advanceTimersByTimeAsync(49);
    expect(fake.calls).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toBe(2);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("fresh");
    warm.dispose();
  });
});

describe("WarmToken when the client drops its token", () => {
  it("sends it no more, at once, and asks for the replacement at once", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    fake.answers.push(token("second", T0 + 100_000));
    warm.drop("first");
    expect(warm.usableAt(Date.now())).toBeUndefined();
    expect(warm.dropped).toBe(true);
    expect(fake.calls).toBe(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("second");
    expect(warm.dropped).toBe(false);
    // The new token's own schedule: nothing more until 75% of its lifetime.
    await vi.advanceTimersByTimeAsync(74_999);
    expect(fake.calls).toBe(2);
    warm.dispose();
  });

  it("another token dropped (a 401 to a token it does not hold) changes nothing", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    warm.drop("another");
    expect(warm.usableAt(Date.now())?.accessToken).toBe("first");
    expect(warm.dropped).toBe(false);
    await vi.advanceTimersByTimeAsync(74_999);
    expect(fake.calls).toBe(1);
    warm.dispose();
  });

  it("a poll under way when the token is dropped: its answer is not kept; asked again", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    // The poll at 75% gets the old token back (a fetch fenced off by invalidate() answers it).
    fake.answers.push(token("first", T0 + 100_000), token("second", T0 + 175_000));
    vi.setSystemTime(T0 + 75_000);
    warm.usableAt(Date.now()); // the poll starts; its answer comes on the next tick
    warm.drop(undefined); // invalidate(): every token
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls).toBe(3);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("second");
    warm.dispose();
  });

  it("a drop during the warm-up: the warm-up asks again, and keeps the later token", async () => {
    const fake = fakeGetToken();
    fake.answers.push(token("fenced", T0 + 100_000), token("fresh", T0 + 100_000));
    const warm = new WarmToken(fake.getToken);
    const warming = warm.warm();
    warm.drop(undefined);
    await warming;
    expect(fake.calls).toBe(2);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("fresh");
    expect(warm.dropped).toBe(false);
    warm.dispose();
  });

  it("the client gives the dropped token back (it holds it valid): it is sent again", async () => {
    const fake = fakeGetToken();
    const warm = await warmed(fake);
    fake.answers.push(token("first", T0 + 100_000));
    warm.drop("first");
    await vi.advanceTimersByTimeAsync(0);
    expect(warm.usableAt(Date.now())?.accessToken).toBe("first");
    expect(warm.dropped).toBe(false);
    warm.dispose();
  });
});
