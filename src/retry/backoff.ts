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

/** The delay before retry number `retry` (0 for the first retry). */
export function backoffDelay(
  retry: number,
  settings: BackoffSettings,
  random = Math.random,
): number {
  const ceiling = Math.min(settings.max, settings.base * 2 ** retry);
  return Math.floor(random() * ceiling);
}
