/**
 * A sleep that an AbortSignal cuts short. `unref` lets a background refresh wait without
 * keeping the process alive: nobody is awaiting it, so an exiting program must not hang on it.
 */
/**
 * The longest delay timers take (`setTimeout`, `AbortSignal.timeout`): a signed 32-bit count of
 * ms, about 24.8 days. Beyond it Node fires after 1 ms (with a warning) and
 * `AbortSignal.timeout` throws, so every ms option and server-given wait stays within it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function sleep(ms: number, signal?: AbortSignal, unref = false): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    if (unref && typeof timer === "object" && typeof timer.unref === "function") timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
