/**
 * One pacer per client and token endpoint: a cap on requests in flight, and a send rate that
 * is unlimited until the server throttles (see send-rate.ts). Waiting for a send slot counts
 * against the call's deadline: a call whose slot cannot come before its deadline is refused at
 * once (RateLimitError `rate_limited_locally`), so calls that cannot make it never hammer the
 * server. The interface is small (`acquire`, then the slot's `release`) so the pacer can sit in
 * front of any sender.
 */
import { ERROR_CODES } from "../errors/error-codes.js";
import { RateLimitError, TimeoutError } from "../errors/cybrid-id-error.js";
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
  background: boolean;
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
  /** No request goes out before this (ms since epoch): the server's Retry-After. */
  let pausedUntil = 0;
  /** The earliest the next paced request may go out. */
  let nextSendAt = 0;
  /** How many cuts so far: a slot remembers the count it was sent under. */
  let cuts = 0;
  /** The queue's one timer: for its next send or its next deadline, whichever comes first. */
  let timer: ReturnType<typeof setTimeout> | undefined;
  const noSlot = `${endpoint}: no send slot before the deadline`;

  const currentState = (): PacingState => {
    const ratePerSecond = rate.current();
    return { endpoint, throttled: ratePerSecond !== undefined, ratePerSecond };
  };
  /** When the next request may go out, the in-flight cap aside. */
  const sendTime = (at: number) => Math.max(at, pausedUntil, nextSendAt);
  /** Between two paced sends, ms; 0 while unpaced. */
  const interval = (at: number) => 1000 / (rate.current(at) ?? Infinity);

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
    const at = Date.now();
    pausedUntil = Math.max(pausedUntil, at + retryAfter);
    // One cut per round trip: a request sent before the last cut went out at the old rate, so
    // its answer says nothing about the new one.
    if (rate.current(at) !== undefined && cutsAtSend < cuts) return;
    rate.cut();
    cuts++;
    onChange?.(currentState());
  }

  /**
   * Hands out the slots that are due; fails the waiters whose deadline has passed, or whose
   * slot (expected one interval after the one before) would come after it; and sets the
   * queue's timer, unref'd when only background work waits.
   */
  function schedule(): void {
    clearTimeout(timer);
    const at = Date.now();
    while (queue.length > 0 && inFlight < maxInFlight && sendTime(at) <= at) {
      queue.shift()?.resolve(take(at));
    }
    const step = interval(at);
    let sendAt = sendTime(at);
    let wakeAt = inFlight < maxInFlight ? sendAt : Infinity;
    let foreground = false;
    queue = queue.filter((waiter) => {
      if (waiter.deadlineAt <= at) {
        waiter.reject(new TimeoutError(noSlot, { code: ERROR_CODES.DEADLINE_EXCEEDED }));
      } else if (sendAt > waiter.deadlineAt) {
        const retryAfter = Math.ceil(sendAt - at);
        waiter.reject(
          new RateLimitError(noSlot, { code: ERROR_CODES.RATE_LIMITED_LOCALLY, retryAfter }),
        );
      } else {
        sendAt += step;
        wakeAt = Math.min(wakeAt, waiter.deadlineAt);
        foreground ||= !waiter.background;
        return true;
      }
      return false;
    });
    if (queue.length === 0) return;
    timer = setTimeout(schedule, wakeAt - at);
    if (!foreground) (timer as { unref?: () => void }).unref?.();
  }

  return {
    get state() {
      return currentState();
    },
    acquire(deadlineAt, signal, retry = false, background = false) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (rate.current() !== undefined && Date.now() - rate.cutAt >= QUIET_MS) {
        rate.reset();
        onChange?.(currentState());
      }
      return new Promise<SendSlot>((resolve, reject) => {
        const onAbort = () => {
          queue = queue.filter((other) => other !== waiter);
          reject(signal?.reason);
          schedule();
        };
        // Leaving the queue either way, the waiter stops listening to the signal.
        const leave =
          <T>(settle: (value: T) => void) =>
          (value: T) => {
            signal?.removeEventListener("abort", onAbort);
            settle(value);
          };
        const waiter: Waiter = {
          deadlineAt,
          background,
          resolve: leave(resolve),
          reject: leave(reject),
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        if (retry) queue.unshift(waiter);
        else queue.push(waiter);
        schedule();
      });
    },
  };
}
