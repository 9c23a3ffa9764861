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
import { ExpiringMap } from "./expiring-map.js";

/** Rejected tokens of unknown end remembered; the oldest go first (they have expired anyway). */
const MAX_REJECTED = 64;

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
  const handedOut = new ExpiringMap<string, { token: string; until: number }>(() => Date.now());
  /** Tokens invalidate() dropped, until their end. */
  const dropped = new ExpiringMap<string, { until: number }>(() => Date.now());
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
