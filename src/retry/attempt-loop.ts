/**
 * The attempt loop: per-attempt timeout, an overall deadline across attempts and sleeps,
 * exponential backoff with full jitter, Retry-After obeyed, and a caller's AbortSignal
 * honoured everywhere. Nobody else bounds total retry time; a deadline is what makes retries
 * safe to enable by default. With a pacer (src/pacing), each attempt first waits for a send
 * slot within the deadline, and a throttled attempt is retried in the pace; with a budget, each
 * retry is paid for, so an outage cannot multiply the load.
 */
import {
  ConnectionError,
  CybridIdError,
  RateLimitError,
  TimeoutError,
} from "../errors/cybrid-id-error.js";
import type { Pacer, SendSlot } from "../pacing/pacer.js";
import type { RetryBudget } from "../pacing/retry-budget.js";
import { backoffDelay, type BackoffSettings } from "./backoff.js";
import { sleep } from "../timers.js";

export interface RetrySettings {
  maxRetries: number;
  /** Per attempt, ms. */
  timeout: number;
  /** All attempts and the waits between them, ms. */
  deadline: number;
  backoff: BackoffSettings;
}

/** What one attempt produced. A thrown error counts as a transport failure (retried). */
export type AttemptResult<T> =
  { ok: true; value: T } | { ok: false; error: CybridIdError; retry: boolean };

export interface RetryEvent {
  operation: string;
  /** The retry about to happen, 1 for the first. */
  retry: number;
  delayMs: number;
  error: CybridIdError;
}

export interface AttemptLoopOptions {
  signal?: AbortSignal | undefined;
  onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Background work: waits must not keep the process alive. */
  background?: boolean;
  /**
   * Paces the attempts (in-flight cap, send rate). A throttled attempt is then retried after
   * the pacer's wait, bounded by the deadline and the budget rather than by `maxRetries`.
   */
  pacer?: Pacer | undefined;
  /** Pays for each retry; when it cannot, the error is thrown rather than retried. */
  budget?: RetryBudget | undefined;
}

/** A fetch that threw, as a typed error: TimeoutError when `timedOut`, else ConnectionError. */
export function transportError(
  operation: string,
  thrown: unknown,
  timedOut: boolean,
  deadlineHit: boolean,
): CybridIdError {
  if (timedOut) {
    return new TimeoutError(
      deadlineHit ? `${operation} exceeded the deadline` : `${operation} timed out`,
      { code: deadlineHit ? "deadline_exceeded" : "timeout", cause: thrown },
    );
  }
  if (thrown instanceof CybridIdError) return thrown;
  const cause = (thrown as { cause?: { code?: unknown } } | undefined)?.cause;
  const detail = typeof cause?.code === "string" ? ` (${cause.code})` : "";
  return new ConnectionError(`${operation} could not connect${detail}`, {
    code: "connection_failed",
    cause: thrown,
  });
}

export async function runAttempts<T>(
  operation: string,
  attempt: (signal: AbortSignal) => Promise<AttemptResult<T>>,
  settings: RetrySettings,
  options: AttemptLoopOptions = {},
): Promise<T> {
  const { signal, pacer, budget } = options;
  const deadlineAt = Date.now() + settings.deadline;
  let retries = 0;
  let lastError: CybridIdError | undefined;
  for (let attempts = 1; ; attempts++) {
    if (signal?.aborted) throw signal.reason;
    let slot: SendSlot | undefined;
    try {
      slot = await pacer?.acquire(deadlineAt, signal, attempts > 1);
    } catch (thrown) {
      // No slot before the deadline. After a failed attempt, its error says more (a status,
      // the server's Retry-After) than the local refusal, as when a backoff outlasts the deadline.
      if (!(thrown instanceof CybridIdError)) throw thrown;
      thrown.attempts = attempts - 1;
      throw lastError ?? thrown;
    }
    const remaining = deadlineAt - Date.now();
    const attemptBudget = Math.min(settings.timeout, remaining);
    const timeoutSignal = AbortSignal.timeout(Math.max(1, attemptBudget));
    const attemptSignal = signal ? AbortSignal.any([signal, timeoutSignal]) : timeoutSignal;
    let error: CybridIdError;
    let retry: boolean;
    try {
      const result = await attempt(attemptSignal);
      if (result.ok) {
        slot?.release({ success: true, throttled: false });
        budget?.recordSuccess();
        return result.value;
      }
      ({ error, retry } = result);
    } catch (thrown) {
      slot?.release({ success: false, throttled: false });
      if (signal?.aborted) throw signal.reason;
      error = transportError(
        operation,
        thrown,
        timeoutSignal.aborted,
        attemptBudget < settings.timeout,
      );
      retry = !(thrown instanceof CybridIdError) || error instanceof TimeoutError;
    }
    const throttled = error instanceof RateLimitError;
    slot?.release({ success: false, throttled, retryAfter: error.retryAfter });
    error.attempts = attempts;
    lastError = error;
    // Paced, a throttled attempt waits its turn again instead of using up a retry.
    const paced = throttled && pacer !== undefined;
    if (!paced) retries++;
    if (!retry || retries > settings.maxRetries) throw error;

    const left = deadlineAt - Date.now();
    if (error.retryAfter !== undefined && error.retryAfter > left) {
      // The server asked for longer than we may wait: say so now rather than ignore it.
      throw error;
    }
    // The pacer holds every send of the endpoint until Retry-After, and then paces them.
    const delayMs = paced ? 0 : (error.retryAfter ?? backoffDelay(retries - 1, settings.backoff));
    if (delayMs >= left) throw error;
    if (budget !== undefined && !budget.tryRetry(error instanceof TimeoutError)) throw error;
    options.onRetry?.({ operation, retry: attempts, delayMs, error });
    if (delayMs > 0) await sleep(delayMs, signal, options.background);
  }
}
