/**
 * A retry budget per client, after the AWS SDKs' standard retry quota: retries draw from a
 * bucket (a retry costs RETRY_COST, a retried timeout TIMEOUT_COST) and every success puts
 * SUCCESS_REFUND back, up to the capacity. A retry costs five successes, so over time retries
 * stay within 20% of the requests that succeed: an outage cannot multiply the load, it adds at
 * most capacity / RETRY_COST retries (50 with the default 250) before retries stop.
 *
 * So that one call's ordinary retries are never starved by what other calls spent, a small
 * reserve (RESERVE retries, refilled at one per second) serves retries when the bucket is
 * empty: a lone call after an outage still gets its retries, a storm gets only a trickle.
 */

export const RETRY_COST = 5;
export const TIMEOUT_COST = 10;
export const SUCCESS_REFUND = 1;
/** Retries the reserve holds, enough for one call's default `maxRetries`. */
const RESERVE = 2;
const RESERVE_REFILL_MS = 1_000;

export interface RetryBudget {
  readonly capacity: number;
  /** What is left in the bucket (not counting the reserve). */
  readonly available: number;
  /** Takes what a retry costs; false when neither the bucket nor the reserve can pay. */
  tryRetry(timedOut: boolean): boolean;
  /** A request succeeded. */
  recordSuccess(): void;
}

export function createRetryBudget(capacity: number, now: () => number = Date.now): RetryBudget {
  let tokens = capacity;
  // The reserve kept as a time: at `at` it holds (at - reserveEmptyAt) / RESERVE_REFILL_MS
  // retries, at most RESERVE. It starts full.
  let reserveEmptyAt = now() - RESERVE * RESERVE_REFILL_MS;
  return {
    capacity,
    get available() {
      return tokens;
    },
    tryRetry(timedOut) {
      const cost = timedOut ? TIMEOUT_COST : RETRY_COST;
      if (tokens >= cost) {
        tokens -= cost;
        return true;
      }
      const at = now();
      if (at - reserveEmptyAt < RESERVE_REFILL_MS) return false;
      reserveEmptyAt =
        Math.max(reserveEmptyAt, at - RESERVE * RESERVE_REFILL_MS) + RESERVE_REFILL_MS;
      return true;
    },
    recordSuccess() {
      tokens = Math.min(capacity, tokens + SUCCESS_REFUND);
    },
  };
}
