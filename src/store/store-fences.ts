/**
 * Which tokens one client must not take from the shared store again: those a server rejected
 * (`reject(token)`, a 401) and those `invalidate()` dropped (`reject()`: every token the client
 * took from or put in the store that may still be there).
 *
 * A client may hand out thousands of tokens (one per customer and scope set), and runs for
 * months: what it remembers of them goes once they cannot come from the store anyway (past
 * their usable end, when the store's TTL drops them too). Nothing that is still usable is
 * forgotten to make room: `invalidate()` must drop them all, the bank token among them.
 */

/** Rejected tokens of unknown end remembered; the oldest go first (they have expired anyway). */
const MAX_REJECTED = 64;
/** The least size at which a map of live entries is swept. */
const SWEEP_FROM = 64;

/**
 * A Map whose entries end at their `until` (ms, `Date.now()`'s clock). Swept whenever it has
 * doubled since the last sweep: at most about twice its live entries, amortized O(1) a `set`.
 */
class Expiring<K, V extends { until: number }> {
  readonly #entries = new Map<K, V>();
  #sweepAt = SWEEP_FROM;

  set(key: K, value: V): void {
    this.#entries.set(key, value);
    if (this.#entries.size < this.#sweepAt) return;
    const now = Date.now();
    for (const [each, { until }] of this.#entries) if (until <= now) this.#entries.delete(each);
    this.#sweepAt = Math.max(SWEEP_FROM, 2 * this.#entries.size);
  }

  has(key: K): boolean {
    return (this.#entries.get(key)?.until ?? 0) > Date.now();
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Takes every live entry out. */
  drain(): V[] {
    const now = Date.now();
    const live = [...this.#entries.values()].filter(({ until }) => until > now);
    this.#entries.clear();
    return live;
  }
}

export interface StoreFences {
  /** `token` was handed out for `slot` (taken from the store or put there), usable until `until`. */
  handedOut(slot: string, token: string, until: number): void;
  /** A token a server rejected, or with none every token handed out: see SharedStore.reject. */
  reject(token?: string): void;
  /** True when `token` must not be taken from the store. */
  has(token: string): boolean;
}

export function createStoreFences(): StoreFences & { readonly sizes: number[] } {
  /** The last token handed out per slot. */
  const handedOut = new Expiring<string, { token: string; until: number }>();
  /** Tokens invalidate() dropped, until their end. */
  const dropped = new Expiring<string, { until: number }>();
  /** Tokens a server rejected: a 401 names a token, not its end. */
  const rejected = new Set<string>();
  return {
    /** For tests: what each collection holds. */
    get sizes() {
      return [handedOut.size, dropped.size, rejected.size];
    },
    handedOut(slot, token, until) {
      handedOut.set(slot, { token, until });
    },
    reject(token) {
      if (token === undefined) {
        for (const { token: each, until } of handedOut.drain()) dropped.set(each, { until });
        return;
      }
      rejected.add(token);
      for (const each of rejected) if (rejected.size > MAX_REJECTED) rejected.delete(each);
    },
    has: (token) => rejected.has(token) || dropped.has(token),
  };
}
