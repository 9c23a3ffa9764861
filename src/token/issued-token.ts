/**
 * What a token fetch produces, and the fetch itself: the contract between the token cache, the
 * token requests and the shared store. Types only.
 */
/** What a token fetch produced. */
export interface IssuedToken<T> {
  /** What callers receive (e.g. `{ accessToken, expiresAt, ... }`). */
  value: T;
  /** The raw token, to recognise it when a server rejects it. */
  token: string;
  /** When its lifetime counts from: the send time, or the server's issue time just before. */
  sentAt: number;
  lifetimeMs: number;
}

/**
 * One fetch, as its slot starts it. `background` is true when nobody waits for it (its waits
 * must not hold the process). `deadlineAt` (on `monotonicNow()`'s clock, not ms since epoch),
 * fixed when it starts, bounds all of it: the wait on the shared store and every request after it.
 */
export interface FetchCall {
  background: boolean;
  deadlineAt: number;
}

export type TokenFetcher<T> = (call: FetchCall) => Promise<IssuedToken<T>>;

/** What the store holds for one token (JSON). `sentAt` is the lifetime anchor (ms). */
export interface StoredToken {
  token: string;
  sentAt: number;
  lifetimeMs: number;
  scopes: readonly string[];
}

/** One client's view of a shared store: its token sources wrap their HTTP fetch with it. */
export interface SharedStore {
  /**
   * Marks a token as unusable (a server rejected it), or with no argument every token this
   * client took from or put in the store: the next fetch will not take them from the store.
   */
  reject(token?: string): void;
  /** Wraps `fetch` (the HTTP fetch of one token kind and scope set) with the store. */
  wrap<T>(
    kind: "bank" | "customer",
    keyParts: readonly string[],
    fetch: TokenFetcher<T>,
    rebuild: (stored: StoredToken) => T,
    scopesOf: (value: T) => readonly string[],
  ): TokenFetcher<T>;
}
