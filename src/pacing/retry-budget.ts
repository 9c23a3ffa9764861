/**
 * A retry budget per client, after the AWS SDKs' standard retry quota: retries draw from a
 * bucket (a retry costs RETRY_COST, a retried timeout TIMEOUT_COST) and every success puts
 * SUCCESS_REFUND back, up to the capacity. A retry costs five successes, so over time retries
 * stay within 20% of the requests that succeed: an outage cannot multiply the load, it adds at
 * most capacity / RETRY_COST retries (50 with the default 250) before retries stop.
 *
 * So that one call's ordinary retries are never starved by what other calls spent, a small
 * reserve (RESERVE retries, refilled at one per second) serves retries when the bucket is
 * empty. Empty too, a retry may book its next refill, up to one refill period ahead, and wait
 * for it: a lone call after an outage still gets its retries, however recently others took
 * the reserve, while a storm gets one retry per second (one booking at a time; the rest are
 * refused at once).
 */
import { monotonicNow } from "../retry/timers.js";

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
  /**
   * Takes what a retry costs: the ms it must wait first (0 when paid now; more when it booked
   * the reserve's next refill), or undefined when refused: the bucket and reserve are empty and
   * the next refill is taken, or not due within `within` ms (the time the call has left).
   */
  claimRetry(timedOut: boolean, within: number): number | undefined;
  /** A request succeeded. */
  recordSuccess(): void;
}

export function createRetryBudget(capacity: number, now: () => number = monotonicNow): RetryBudget {
  let tokens = capacity;
  // The reserve kept as a time: at `at` it holds (at - reserveEmptyAt) / RESERVE_REFILL_MS
  // retries, at most RESERVE. It starts full. Past `at`, a refill is booked.
  let reserveEmptyAt = now() - RESERVE * RESERVE_REFILL_MS;
  return {
    capacity,
    get available() {
      return tokens;
    },
    claimRetry(timedOut, within) {
      const cost = timedOut ? TIMEOUT_COST : RETRY_COST;
      if (tokens >= cost) {
        tokens -= cost;
        return 0;
      }
      const at = now();
      const emptyAt =
        Math.max(reserveEmptyAt, at - RESERVE * RESERVE_REFILL_MS) + RESERVE_REFILL_MS;
      const wait = Math.max(0, emptyAt - at);
      if (wait > RESERVE_REFILL_MS || wait >= within) return undefined;
      reserveEmptyAt = emptyAt;
      return wait;
    },
    recordSuccess() {
      tokens = Math.min(capacity, tokens + SUCCESS_REFUND);
    },
  };
}
