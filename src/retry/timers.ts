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
 * What waits on each caller's signal, behind one listener per signal. A caller may pass one
 * long-lived signal (a process's shutdown signal) to every call: a listener per wait would pile
 * up on it (Node warns past ten: MaxListenersExceededWarning), and AbortSignal.any, in Node 20,
 * keeps an entry per call on such a signal for as long as it lives (a leak). Here a wait adds
 * to a Set, and its end takes it out.
 */
const reactions = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `react` when `signal` aborts (a signal aborted already is the caller's to check first).
 * Returns the function that stops it, for when the wait ends another way.
 */
export function onAbort(signal: AbortSignal, react: () => void): () => void {
  let waiting = reactions.get(signal);
  if (waiting === undefined) {
    const created = new Set<() => void>();
    signal.addEventListener("abort", () => created.forEach((each) => each()), { once: true });
    reactions.set(signal, created);
    waiting = created;
  }
  waiting.add(react);
  return () => waiting.delete(react);
}

/** The signal of one HTTP attempt, and what ends it (see `attemptSignal`). */
export interface AttemptSignal {
  readonly signal: AbortSignal;
  /** Whether it was the timeout (not the caller) that aborted it. */
  readonly timedOut: boolean;
  /** Ends its links to the caller's signal and to its timer, once the attempt is over. */
  release(): void;
}

/**
 * The signal for one HTTP attempt: it aborts when the caller's `signal` does, with its reason,
 * or after `ms` (`AbortSignal.timeout`'s, whose timer keeps no process alive in Node, Deno or
 * Bun). It covers the response body too, however late that is read. Its link to `signal` ends
 * with `release()` or when either aborts: cybrid.fetch cannot tell when its caller has read the
 * body, and leaves it to the timeout.
 */
export function attemptSignal(signal: AbortSignal | undefined, ms: number): AttemptSignal {
  const timer = AbortSignal.timeout(ms);
  if (signal === undefined) {
    return {
      signal: timer,
      get timedOut() {
        return timer.aborted;
      },
      release() {},
    };
  }
  const attempt = new AbortController();
  let timedOut = false;
  const release = () => {
    unlinkCaller();
    unlinkTimer();
  };
  const unlinkCaller = onAbort(signal, () => {
    release();
    attempt.abort(signal.reason);
  });
  const unlinkTimer = onAbort(timer, () => {
    release();
    timedOut = true;
    attempt.abort(timer.reason);
  });
  if (signal.aborted) {
    release();
    attempt.abort(signal.reason);
  }
  return {
    signal: attempt.signal,
    get timedOut() {
      return timedOut;
    },
    release,
  };
}

/**
 * A sleep that an AbortSignal cuts short. `unref` lets a background refresh wait without
 * keeping the process alive: nobody is awaiting it, so an exiting program must not hang on it.
 */
export function sleep(ms: number, signal?: AbortSignal, unref = false): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted(); // thrown in the executor: rejects with the signal's reason
    const timer = setTimeout(() => {
      stop?.();
      resolve();
    }, ms);
    // A number in browsers, which keeps nothing alive; an object with `unref` in Node and Deno.
    if (unref) (timer as { unref?: () => void }).unref?.();
    const stop =
      signal &&
      onAbort(signal, () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
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
    const stop = onAbort(signal, () => reject(signal.reason));
    promise.then(resolve, reject).finally(stop);
  });
}
