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

export class RetryBudget {
  private tokens: number;
  private reserve = RESERVE;
  private reserveAt: number;

  constructor(
    readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.reserveAt = now();
  }

  /** What is left in the bucket (not counting the reserve). */
  get available(): number {
    return this.tokens;
  }

  /** Takes what a retry costs; false when neither the bucket nor the reserve can pay. */
  tryRetry(timedOut: boolean): boolean {
    const cost = timedOut ? TIMEOUT_COST : RETRY_COST;
    if (this.tokens >= cost) {
      this.tokens -= cost;
      return true;
    }
    this.refillReserve();
    if (this.reserve >= 1) {
      this.reserve -= 1;
      return true;
    }
    return false;
  }

  /** A request succeeded. */
  recordSuccess(): void {
    this.tokens = Math.min(this.capacity, this.tokens + SUCCESS_REFUND);
  }

  private refillReserve(): void {
    const at = this.now();
    const earned = Math.floor((at - this.reserveAt) / RESERVE_REFILL_MS);
    if (earned <= 0) return;
    this.reserve = Math.min(RESERVE, this.reserve + earned);
    this.reserveAt += earned * RESERVE_REFILL_MS;
  }
}
