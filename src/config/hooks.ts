/**
 * The metrics hooks of `createCybridId` (its `hooks` option): what the client reports as it
 * fetches, serves, refreshes, retries, paces and uses the shared store.
 */

/** Called for metrics. Hooks must not throw; they run on the request path. */
export interface CybridIdHooks {
  /** A token was fetched from the server. */
  onTokenFetched?: (event: {
    kind: "bank" | "customer";
    scopes: readonly string[];
    expiresAt: Date;
    durationMs: number;
    attempts: number;
  }) => void;
  /** A token was served from cache, with no request. */
  onTokenServedFromCache?: (event: { kind: "bank" | "customer" }) => void;
  /**
   * A background refresh failed (one that no caller awaits, started inside the refresh
   * window); `servingCached` is true when a still-valid token keeps being served. A fetch that
   * callers wait for is not reported here: its error is thrown to them (and logged at debug).
   */
  onRefreshFailed?: (event: {
    kind: "bank" | "customer";
    error: unknown;
    servingCached: boolean;
    nextTryAt: Date;
  }) => void;
  /** A failed attempt will be retried after `delayMs`. */
  onRetryScheduled?: (event: {
    operation: string;
    retry: number;
    delayMs: number;
    status: number | undefined;
    code: string;
  }) => void;
  /**
   * The pacing of a token endpoint changed: `throttled` with the new `ratePerSecond` when the
   * server's rate limit started or cut the pace, or `throttled: false` (rate undefined) when
   * pacing ended after a minute without a rate-limit answer.
   */
  onPacingChanged?: (event: {
    endpoint: string;
    throttled: boolean;
    ratePerSecond: number | undefined;
  }) => void;
  /**
   * A call to the shared token store failed or timed out. The client fetches on its own
   * meanwhile (and skips the store for a while), so callers are not affected.
   */
  onStoreError?: (event: {
    kind: "bank" | "customer";
    operation: "get" | "set" | "acquire" | "release";
    error: unknown;
  }) => void;
}
