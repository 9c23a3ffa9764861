/**
 * A Map whose entries end at their `until` (ms on `now`'s clock), for what a long-running
 * process keeps per token or per key: swept whenever it has doubled since the last sweep, so it
 * holds at most about twice its live entries, at an amortized O(1) a `set`. An expired entry is
 * never returned, swept or not.
 */

/** The least size at which the map is swept. */
const SWEEP_FROM = 64;

export class ExpiringMap<K, V extends { until: number }> {
  readonly #entries = new Map<K, V>();
  #sweepAt = SWEEP_FROM;

  constructor(private readonly now: () => number) {}

  set(key: K, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size < this.#sweepAt) return;
    const now = this.now();
    for (const [each, { until }] of this.#entries) if (until <= now) this.#entries.delete(each);
    this.#sweepAt = Math.max(SWEEP_FROM, 2 * this.#entries.size);
  }

  /** The entry while it lasts; an expired one goes. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.until > this.now()) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  has(key: K): boolean {
    return this.get(key) !== undefined;
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Entries held, the expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }

  /** Takes every live entry out. */
  drain(): V[] {
    const now = this.now();
    const live = [...this.#entries.values()].filter(({ until }) => until > now);
    this.#entries.clear();
    return live;
  }
}
