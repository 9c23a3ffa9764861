/**
 * A sliding-window rate limiter keyed by client id and endpoint. Refused requests are not
 * counted: a client that backs off as told gets through once the window has moved on.
 */
export interface RateLimit {
  max: number;
  windowMs: number;
}

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private nextSweepAt = 0;

  constructor(public limit: RateLimit | undefined) {}

  /** Counts a request, or returns how many ms to wait when the key is over its limit. */
  take(key: string, now = Date.now()): number | undefined {
    if (this.limit === undefined) return undefined;
    const { max, windowMs } = this.limit;
    // Once a window, forget the keys with no hit left in it: every client id ever sent
    // (unauthenticated ones included) would otherwise stay for as long as the emulator runs.
    if (now >= this.nextSweepAt) {
      for (const [known, times] of this.hits)
        if ((times[times.length - 1] ?? now - windowMs) <= now - windowMs) this.hits.delete(known);
      this.nextSweepAt = now + windowMs;
    }
    const recent = (this.hits.get(key) ?? []).filter((at) => at > now - windowMs);
    if (recent.length >= max) {
      this.hits.set(key, recent);
      // The oldest hit leaves the window first; at least 1 ms so a retry never comes too early.
      const oldest = recent[recent.length - max] ?? now;
      return Math.max(1, oldest + windowMs - now);
    }
    recent.push(now);
    this.hits.set(key, recent);
    return undefined;
  }

  /** How many keys it remembers (bounded: see the sweep in {@link take}). */
  get size(): number {
    return this.hits.size;
  }

  reset(): void {
    this.hits.clear();
    this.nextSweepAt = 0;
  }
}
