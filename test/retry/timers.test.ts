/**
 * The timer and abort helpers, on fake timers: what a wait does when its caller's signal aborts,
 * and that once it has ended it leaves nothing listening on that signal.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { attemptSignal, onAbort, raceAbort, sleep } from "../../src/retry/timers.js";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("onAbort", () => {
  it("calls every waiting reaction once, through one listener, and not those stopped", () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, "addEventListener");
    const called: string[] = [];
    onAbort(controller.signal, () => called.push("a"));
    const stopB = onAbort(controller.signal, () => called.push("b"));
    onAbort(controller.signal, () => called.push("c"));
    stopB();
    controller.abort();
    controller.abort();
    expect(called).toEqual(["a", "c"]);
    expect(add).toHaveBeenCalledTimes(1);
  });
});

describe("sleep and raceAbort", () => {
  it("reject with the caller's reason while they wait, and leave nothing behind after", async () => {
    const controller = new AbortController();
    const waiting = sleep(1_000, controller.signal);
    const raced = raceAbort(new Promise(() => {}), controller.signal);
    controller.abort(new Error("shutting down"));
    await expect(waiting).rejects.toThrow("shutting down");
    await expect(raced).rejects.toThrow("shutting down");

    const later = new AbortController();
    const react = vi.fn();
    const slept = sleep(10, later.signal).then(react);
    const settled = raceAbort(Promise.resolve("token"), later.signal).then(react);
    await vi.advanceTimersByTimeAsync(10);
    await Promise.all([slept, settled]);
    later.abort(); // nothing left listening: no rejection, no second settle
    await vi.advanceTimersByTimeAsync(0);
    expect(react.mock.calls).toEqual([["token"], [undefined]]);
  });
});

describe("attemptSignal", () => {
  // Its timeout is AbortSignal.timeout's, a platform timer that fake timers do not drive.
  beforeEach(() => vi.useRealTimers());
  const aborted = (signal: AbortSignal) =>
    new Promise((resolve) => signal.addEventListener("abort", resolve));

  it("aborts with the caller's reason, not as a timeout", () => {
    const caller = new AbortController();
    const attempt = attemptSignal(caller.signal, 1_000);
    caller.abort(new Error("the caller's"));
    expect(attempt.signal.reason).toEqual(new Error("the caller's"));
    expect(attempt.timedOut).toBe(false);
  });

  it("aborts with a TimeoutError after its time, the caller's signal or not", async () => {
    for (const caller of [new AbortController().signal, undefined]) {
      const attempt = attemptSignal(caller, 5);
      expect(attempt.signal.aborted).toBe(false);
      await aborted(attempt.signal);
      expect(attempt.signal.reason).toMatchObject({ name: "TimeoutError" });
      expect(attempt.timedOut).toBe(true);
    }
  });

  it("is aborted at once for a caller's signal aborted already", () => {
    const attempt = attemptSignal(AbortSignal.abort("gone"), 1_000);
    expect(attempt.signal.reason).toBe("gone");
    expect(attempt.timedOut).toBe(false);
  });

  it("lets go of the caller's signal once released, or once its time is up", async () => {
    const caller = new AbortController();
    const released = attemptSignal(caller.signal, 5);
    released.release();
    const expired = attemptSignal(caller.signal, 5);
    await aborted(expired.signal);
    await new Promise((resolve) => setTimeout(resolve, 20)); // past the released one's time too
    caller.abort(new Error("later"));
    expect(released.signal.aborted).toBe(false);
    expect(expired.signal.reason).toMatchObject({ name: "TimeoutError" });
  });
});
