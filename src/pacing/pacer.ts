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
import { SendRate } from "./send-rate.js";

/** What a pacer tells its owner (for the hook and the logs). */
export interface PacingState {
  endpoint: string;
  throttled: boolean;
  /** Requests per second; undefined when unpaced. */
  ratePerSecond: number | undefined;
}

export interface PacerSettings {
  endpoint: string;
  maxInFlight: number;
  /** Unpaced again after this long with no throttle, ms. */
  quietMs?: number;
  onChange?: (state: PacingState, reason: "started" | "cut" | "ended") => void;
  now?: () => number;
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
  release(outcome: SendOutcome): void;
}

interface Waiter {
  deadlineAt: number;
  resolve: (slot: SendSlot) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

const DEFAULT_QUIET_MS = 60_000;

export class Pacer {
  private readonly rate: SendRate;
  private readonly now: () => number;
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  /** No request goes out before this (ms since epoch): the server's Retry-After. */
  private pausedUntil = 0;
  /** The earliest the next paced request may go out. */
  private nextSendAt = 0;
  private pump: ReturnType<typeof setTimeout> | undefined;
  /** How many cuts so far: a slot remembers the count it was sent under. */
  private cuts = 0;

  constructor(private readonly settings: PacerSettings) {
    this.now = settings.now ?? Date.now;
    this.rate = new SendRate(this.now);
  }

  /** The current state, for tests and logs. */
  get state(): PacingState {
    return {
      endpoint: this.settings.endpoint,
      throttled: this.rate.paced,
      ratePerSecond: this.rate.current(),
    };
  }

  /**
   * A send slot: at once when one is free, else when the in-flight cap and the rate allow.
   * Rejects at once with RateLimitError `rate_limited_locally` (with `retryAfter`, the expected
   * wait) when the slot cannot come before `deadlineAt`, with TimeoutError `deadline_exceeded`
   * when the deadline passes in the queue, and with the signal's reason on abort. A retry goes
   * to the head of the queue: it has waited longest.
   */
  acquire(deadlineAt: number, signal?: AbortSignal, retry = false): Promise<SendSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.endQuietPacing();
    const at = this.now();
    if (this.queue.length === 0 && this.inFlight < this.settings.maxInFlight) {
      const sendAt = this.sendTime(at);
      if (sendAt <= at) return Promise.resolve(this.take(at));
    }
    const expected = this.sendTime(at) + (retry ? 0 : this.queue.length * this.interval(at));
    if (expected > deadlineAt) return Promise.reject(this.tooLate(expected - at));
    return new Promise<SendSlot>((resolve, reject) => {
      const waiter: Waiter = {
        deadlineAt,
        resolve,
        reject,
        signal,
        timer: undefined,
        onAbort: () => this.drop(waiter, signal?.reason),
      };
      waiter.timer = setTimeout(
        () =>
          this.drop(
            waiter,
            new TimeoutError(`${this.settings.endpoint}: no send slot before the deadline`, {
              code: "deadline_exceeded",
            }),
          ),
        Math.max(0, deadlineAt - at),
      );
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      if (retry) this.queue.unshift(waiter);
      else this.queue.push(waiter);
      this.schedule();
    });
  }

  private take(at: number): SendSlot {
    this.inFlight++;
    const epoch = this.cuts;
    const rate = this.rate.current(at);
    if (rate !== undefined) this.nextSendAt = Math.max(at, this.nextSendAt) + 1000 / rate;
    let released = false;
    return {
      sentAt: at,
      release: (outcome) => {
        if (released) return;
        released = true;
        this.inFlight--;
        this.settle(at, epoch, outcome);
        this.schedule();
      },
    };
  }

  private settle(sentAt: number, epoch: number, outcome: SendOutcome): void {
    if (outcome.success) this.rate.recordSuccess(sentAt);
    if (!outcome.throttled) return;
    const at = this.now();
    if (outcome.retryAfter !== undefined) {
      this.pausedUntil = Math.max(this.pausedUntil, at + outcome.retryAfter);
    }
    // One cut per round trip: answers to requests sent before the last cut were sent at the
    // old rate and say nothing new about the new one.
    if (this.rate.paced && epoch < this.cuts) return;
    const started = !this.rate.paced;
    this.rate.cut();
    this.cuts++;
    this.nextSendAt = Math.max(this.nextSendAt, at);
    this.settings.onChange?.(this.state, started ? "started" : "cut");
    this.refuseHopeless(at);
  }

  /** After a cut, the queued calls whose slot now comes after their deadline fail at once. */
  private refuseHopeless(at: number): void {
    const interval = this.interval(at);
    let sendAt = this.sendTime(at);
    for (const waiter of [...this.queue]) {
      if (sendAt > waiter.deadlineAt) this.drop(waiter, this.tooLate(sendAt - at));
      else sendAt += interval;
    }
  }

  private endQuietPacing(): void {
    const quietMs = this.settings.quietMs ?? DEFAULT_QUIET_MS;
    if (this.rate.paced && this.now() - this.rate.lastCutAt >= quietMs) {
      this.rate.reset();
      this.settings.onChange?.(this.state, "ended");
    }
  }

  /** When the next request may go out, ignoring the in-flight cap. */
  private sendTime(at: number): number {
    const paced = this.rate.paced ? this.nextSendAt : 0;
    return Math.max(at, this.pausedUntil, paced);
  }

  private interval(at: number): number {
    const rate = this.rate.current(at);
    return rate === undefined ? 0 : 1000 / rate;
  }

  private tooLate(waitMs: number): RateLimitError {
    const rate = this.rate.current();
    const pace = rate === undefined ? "" : ` (paced to ${Math.round(rate * 10) / 10}/s)`;
    return new RateLimitError(
      `${this.settings.endpoint}: no send slot before the deadline${pace}; not sent`,
      { code: ERROR_CODES.RATE_LIMITED_LOCALLY, retryAfter: Math.ceil(waitMs) },
    );
  }

  private drop(waiter: Waiter, error: unknown): void {
    const index = this.queue.indexOf(waiter);
    if (index === -1) return;
    this.queue.splice(index, 1);
    this.forget(waiter);
    waiter.reject(error);
    this.schedule();
  }

  private forget(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
  }

  /** Hands out the slots that are due, and sets one timer for the next. */
  private schedule(): void {
    if (this.pump !== undefined) clearTimeout(this.pump);
    this.pump = undefined;
    while (this.queue.length > 0 && this.inFlight < this.settings.maxInFlight) {
      const at = this.now();
      const sendAt = this.sendTime(at);
      if (sendAt > at) {
        this.pump = setTimeout(() => this.schedule(), sendAt - at);
        return;
      }
      const waiter = this.queue.shift() as Waiter;
      this.forget(waiter);
      waiter.resolve(this.take(at));
    }
  }
}
