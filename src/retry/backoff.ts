/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a random delay in [0, min(max, base * 2^n)]. Full jitter spreads a fleet that
 * failed together better than equal or decorrelated jitter, at the same mean load.
 */
export interface BackoffSettings {
  /** The ceiling of the first delay, in ms. */
  base: number;
  /** The largest delay, in ms. */
  max: number;
}

/**
 * A `random` for {@link backoffDelay} that keeps between half and all of the ceiling: for waits
 * that nobody asked to be short (a background refresh, a bypassed store, a poll), a near-zero
 * wait would only fail again sooner and grow the ceiling faster; they are still spread out.
 */
export function halfJitter(random: () => number = Math.random): () => number {
  return () => 0.5 + random() / 2;
}

/** The delay before retry number `retry` (0 for the first retry). */
export function backoffDelay(
  retry: number,
  settings: BackoffSettings,
  random = Math.random,
): number {
  const ceiling = Math.min(settings.max, settings.base * 2 ** retry);
  return Math.floor(random() * ceiling);
}
