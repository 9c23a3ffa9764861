/**
 * One pacer per client and token endpoint: a cap on requests in flight, and a send rate that
 * is unlimited until the server throttles (see send-rate.ts). Waiting for a send slot counts
 * against the call's deadline: a call whose slot cannot come before its deadline is refused at
 * once (RateLimitError `rate_limited_locally`), so calls that cannot make it never hammer the
 * server. The interface is small (`acquire`, then the slot's `release`) so the pacer can sit in
 * front of any sender. Its times, deadlines included, are on `monotonicNow()`'s clock.
 */
import { ERROR_CODES } from "../errors/error-codes.js";
import { RateLimitError, TimeoutError } from "../errors/cybrid-id-error.js";
import { monotonicNow, onAbort } from "../retry/timers.js";
import { createSendRate } from "./send-rate.js";

/** What a pacer tells its owner (for the hook and the logs). */
export interface PacingState {
  endpoint: string;
  throttled: boolean;
  /** Requests per second; undefined when unpaced. */
  ratePerSecond: number | undefined;
}

/** How an attempt sent through a slot ended. */
export interface SendOutcome {
  /** The server answered with its rate limit (429, or a rate-limit 403). */
  throttled: boolean;
  /** The server answered 2xx. */
  success: boolean;
  /** How long the server asked to wait, ms. */
  retryAfter?: number | undefined;
}

export interface SendSlot {
  /** When the request went out. */
  readonly sentAt: number;
  /** Frees the slot and tells the pacer how the attempt ended; once (later calls do nothing). */
  release(outcome: SendOutcome): void;
}

export interface Pacer {
  /**
   * A send slot: at once when one is free, else when the in-flight cap and the rate allow.
   * `deadlineAt` is on `monotonicNow()`'s clock.
   * Rejects with RateLimitError `rate_limited_locally` (with `retryAfter`, the expected wait)
   * as soon as the slot cannot come before `deadlineAt`, with TimeoutError `deadline_exceeded`
   * when the deadline passes in the queue, and with the signal's reason on abort. A retry goes
   * to the head of the queue: it has waited longest. A `background` wait (a refresh nobody
   * awaits) does not keep the process alive.
   */
  acquire(
    deadlineAt: number,
    signal?: AbortSignal,
    retry?: boolean,
    background?: boolean,
  ): Promise<SendSlot>;
  /** The current state, for the hook, the logs and tests. */
  readonly state: PacingState;
}

interface Waiter {
  deadlineAt: number;
  resolve(slot: SendSlot): void;
  reject(error: unknown): void;
}

/** Unpaced again after this long with no cut, ms. */
const QUIET_MS = 60_000;

/**
 * The pacer of `endpoint`: at most `maxInFlight` requests in flight, paced once the server
 * throttles. `onChange` hears of each change of the pace (started, cut, ended).
 */
export function createPacer(
  endpoint: string,
  maxInFlight: number,
  onChange?: (state: PacingState) => void,
): Pacer {
  const rate = createSendRate();
  let queue: Waiter[] = [];
  let inFlight = 0;
  /** No request goes out before this: the server's Retry-After. */
  let pausedUntil = 0;
  /** The earliest the next paced request may go out. */
  let nextSendAt = 0;
  /** How many cuts so far: a slot remembers the count it was sent under. */
  let cuts = 0;
  /** The queue's one timer: for its next send or its next deadline, whichever comes first. */
  let timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The earliest deadline in the queue, or earlier: a waiter that has left may still hold it,
   * and the check it wakes sets it right. So the queue is walked only when a deadline is due.
   */
  let nextDeadline = Infinity;
  /** Waiters that a caller awaits: while there is one, the timer keeps the process alive. */
  let foregroundWaiting = 0;
  const noSlot = `${endpoint}: no send slot before the deadline`;

  const currentState = (): PacingState => {
    const ratePerSecond = rate.current();
    return { endpoint, throttled: ratePerSecond !== undefined, ratePerSecond };
  };
  /** When the next request may go out, the in-flight cap aside. */
  const sendTime = (at: number) => Math.max(at, pausedUntil, nextSendAt);
  const canSendNow = (at: number) => inFlight < maxInFlight && sendTime(at) <= at;
  /** Between two paced sends, ms; 0 while unpaced. */
  const interval = (at: number) => 1000 / (rate.current(at) ?? Infinity);
  const tooLate = (sendAt: number, at: number) =>
    new RateLimitError(noSlot, {
      code: ERROR_CODES.RATE_LIMITED_LOCALLY,
      retryAfter: Math.ceil(sendAt - at),
    });

  function take(at: number): SendSlot {
    inFlight++;
    nextSendAt = at + interval(at);
    const cutsAtSend = cuts;
    let released = false;
    return {
      sentAt: at,
      release({ success, throttled, retryAfter }) {
        if (released) return;
        released = true;
        inFlight--;
        if (success) rate.recordSuccess(at);
        if (throttled) throttle(cutsAtSend, retryAfter);
        schedule();
      },
    };
  }

  /** The server throttled a request (sent after `cutsAtSend` cuts): wait out Retry-After, cut. */
  function throttle(cutsAtSend: number, retryAfter = 0): void {
    const at = monotonicNow();
    pausedUntil = Math.max(pausedUntil, at + retryAfter);
    // One cut per round trip: a request sent before the last cut went out at the old rate, so
    // its answer says nothing about the new one.
    if (rate.current(at) === undefined || cutsAtSend === cuts) {
      rate.cut();
      cuts++;
      onChange?.(currentState());
    }
    refuseLate(at);
  }

  /**
   * Fails the waiters whose deadline has passed (TimeoutError), and those whose slot, expected
   * one interval after the one before, now comes after their deadline (RateLimitError, unsent).
   */
  function refuseLate(at: number): void {
    const step = interval(at);
    let sendAt = sendTime(at);
    nextDeadline = Infinity;
    queue = queue.filter((waiter) => {
      if (waiter.deadlineAt <= at) {
        waiter.reject(new TimeoutError(noSlot, { code: ERROR_CODES.DEADLINE_EXCEEDED }));
      } else if (sendAt > waiter.deadlineAt) {
        waiter.reject(tooLate(sendAt, at));
      } else {
        sendAt += step;
        nextDeadline = Math.min(nextDeadline, waiter.deadlineAt);
        return true;
      }
      return false;
    });
  }

  /** Checks the deadlines when one is due, hands out the slots that are due, sets the timer. */
  function schedule(): void {
    clearTimeout(timer);
    const at = monotonicNow();
    if (at >= nextDeadline) refuseLate(at);
    while (queue.length > 0 && canSendNow(at)) queue.shift()?.resolve(take(at));
    if (queue.length === 0) return;
    const sendAt = inFlight < maxInFlight ? sendTime(at) : Infinity;
    timer = setTimeout(schedule, Math.min(sendAt, nextDeadline) - at);
    if (foregroundWaiting === 0) (timer as { unref?: () => void }).unref?.();
  }

  return {
    get state() {
      return currentState();
    },
    acquire(deadlineAt, signal, retry = false, background = false) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      const at = monotonicNow();
      if (rate.current(at) !== undefined && at - rate.cutAt >= QUIET_MS) {
        rate.reset();
        onChange?.(currentState());
      }
      if (queue.length === 0 && canSendNow(at)) return Promise.resolve(take(at));
      const sendAt = sendTime(at) + (retry ? 0 : queue.length * interval(at));
      if (sendAt > deadlineAt) return Promise.reject(tooLate(sendAt, at));
      return new Promise<SendSlot>((resolve, reject) => {
        // However it leaves the queue, a waiter stops listening and is no longer counted.
        const leave =
          <T>(settle: (value: T) => void) =>
          (value: T) => {
            stopListening?.();
            if (!background) foregroundWaiting--;
            settle(value);
          };
        const waiter: Waiter = { deadlineAt, resolve: leave(resolve), reject: leave(reject) };
        const stopListening =
          signal &&
          onAbort(signal, () => {
            queue = queue.filter((other) => other !== waiter);
            waiter.reject(signal.reason);
            schedule();
          });
        if (!background) foregroundWaiting++;
        if (retry) queue.unshift(waiter);
        else queue.push(waiter);
        nextDeadline = Math.min(nextDeadline, deadlineAt);
        schedule();
      });
    },
  };
}
