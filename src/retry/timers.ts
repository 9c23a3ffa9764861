/**
 * The one timer and abort helper: every wait in the SDK that a caller's AbortSignal may cut
 * short goes through here, and so does every timer that must not keep a process alive.
 */

/**
 * The longest delay timers take (`setTimeout`, `AbortSignal.timeout`): a signed 32-bit count of
 * ms, about 24.8 days. Beyond it Node fires after 1 ms (with a warning) and
 * `AbortSignal.timeout` throws, so every ms option and server-given wait stays within it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Now, in ms, on a clock that only moves forward: deadlines, pauses and rates are measured on it,
 * so that a step of the wall clock (NTP correcting a fast clock, a VM resumed from a snapshot)
 * neither pauses an endpoint for the length of the step nor ends a deadline early. Its zero is
 * this process's start. Token times stay on `Date.now()`: servers and other processes share
 * them, and this clock stops while a machine sleeps (a laptop's lid closed overnight would leave
 * an expired token looking fresh). Whole ms, like `Date.now()`: timers such as
 * `AbortSignal.timeout` take integers.
 */
export const monotonicNow = (): number => Math.floor(performance.now());

/**
 * A sleep that an AbortSignal cuts short. `unref` lets a background refresh wait without
 * keeping the process alive: nobody is awaiting it, so an exiting program must not hang on it.
 */
export function sleep(ms: number, signal?: AbortSignal, unref = false): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted(); // thrown in the executor: rejects with the signal's reason
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    // A number in browsers, which keeps nothing alive; an object with `unref` in Node and Deno.
    if (unref) (timer as { unref?: () => void }).unref?.();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * `promise`, or `late()` thrown once `ms` have passed first (the promise itself goes on). Its
 * timer keeps the process alive unless `unref`: a caller's wait holds the process as a request
 * of its own would. The timer goes with the wait.
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  late: () => Error,
  unref = false,
): Promise<T> {
  const stop = new AbortController();
  const timeout = sleep(ms, stop.signal, unref).then(() => {
    throw late();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    stop.abort(); // `timeout` rejects into the settled race: handled, ignored
  }
}

/** `promise`, or the signal's reason as soon as it aborts (the promise itself goes on). */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
