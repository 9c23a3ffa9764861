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

/** `background` is true when nobody waits for the fetch (its waits must not hold the process). */
export type TokenFetcher<T> = (background: boolean) => Promise<IssuedToken<T>>;
