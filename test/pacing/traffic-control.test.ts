/**
 * The one place of pacing's logs and hook, on fake timers: one warning the first time an
 * endpoint is throttled, debug lines for every later change, the hook for each; a pacer per
 * endpoint, and nothing when pacing or the budget is off.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "../../src/log/logger.js";
import type { Pacer, PacingState } from "../../src/pacing/pacer.js";
import { createTrafficControl } from "../../src/pacing/traffic-control.js";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => {
  vi.useRealTimers();
});

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    enabled: () => true,
    log: (level, message) => lines.push(`${level} ${message}`),
  };
  return { lines, logger };
}

/** One request through the pacer, answered with the server's rate limit. */
async function throttle(pacer: Pacer) {
  const slot = pacer.acquire(performance.now() + 60_000);
  await vi.advanceTimersByTimeAsync(5_000); // past any pause or pace
  (await slot).release({ success: false, throttled: true });
}

describe("createTrafficControl", () => {
  it("warns once per endpoint, logs later changes at debug, calls the hook for each", async () => {
    const { lines, logger } = recordingLogger();
    const events: PacingState[] = [];
    const traffic = createTrafficControl({ maxInFlight: 4 }, 250, logger, (state) =>
      events.push(state),
    );
    const pacer = traffic.pacer("/a")!;
    expect(traffic.pacer("/a")).toBe(pacer);
    await throttle(pacer); // started
    await throttle(pacer); // cut
    await vi.advanceTimersByTimeAsync(60_000);
    (await pacer.acquire(performance.now() + 1_000)).release({ success: true, throttled: false }); // ended
    await throttle(pacer); // started again: no second warning
    await throttle(traffic.pacer("/b")!); // another endpoint: its own warning
    expect(lines).toEqual([
      "warn /a: rate limited by the server; pacing to 0.5/s",
      "debug /a: pacing to 6.2/s", // the curve had climbed for 5 s
      "debug /a: pacing ended",
      "debug /a: pacing to 0.5/s",
      "warn /b: rate limited by the server; pacing to 0.5/s",
    ]);
    expect(events.map((state) => [state.endpoint, state.throttled])).toEqual([
      ["/a", true],
      ["/a", true],
      ["/a", false],
      ["/a", true],
      ["/b", true],
    ]);
  });

  it("has no pacer when pacing is off, and no budget when the budget is off", () => {
    const { logger } = recordingLogger();
    const off = createTrafficControl(false, false, logger);
    expect([off.pacer("/a"), off.budget]).toEqual([undefined, undefined]);
    const on = createTrafficControl({ maxInFlight: 1 }, 250, logger);
    expect(on.pacer("/a")?.state).toEqual({
      endpoint: "/a",
      throttled: false,
      ratePerSecond: undefined,
    });
    expect([on.budget?.capacity, on.budget?.available]).toEqual([250, 250]);
  });
});
