/**
 * `AbortSignal.timeout` on the test's fake timers: it runs on Node's own timers, which
 * `vi.useFakeTimers()` does not reach. Call after `vi.useFakeTimers()`; `vi.restoreAllMocks()`
 * undoes it.
 */
import { vi } from "vitest";

export function fakeAbortSignalTimeout(): void {
  vi.spyOn(AbortSignal, "timeout").mockImplementation((ms) => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException("timed out", "TimeoutError")), ms);
    return controller.signal;
  });
}
