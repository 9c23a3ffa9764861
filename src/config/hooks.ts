/**
 * The metrics hooks of `createCybridId` (its `hooks` option): what the client reports as it
 * fetches, serves, refreshes, retries, paces and uses the shared store; and the guard that
 * keeps a broken hook from breaking a call.
 */
import type { Logger } from "../log/logger.js";

/**
 * Called for metrics, on the request path: keep them fast. A hook that throws, or returns a
 * promise that rejects, never fails a call: its first failure is logged at warn (redacted, like
 * every line) and the call goes on as if it had returned.
 */
export interface CybridIdHooks {
  /** A token was fetched from the server. */
  onTokenFetched?: (event: {
    kind: "bank" | "customer";
    scopes: readonly string[];
    expiresAt: Date;
    /** The successful attempt's round trip, in ms (earlier attempts and waits not included). */
    durationMs: number;
    /** HTTP attempts, the successful one included. */
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
  /**
   * A failed attempt will be retried after `delayMs`. When `paced` (the server throttled and
   * pacing is on), the retry then also waits for its turn in the pace, which `delayMs` does not
   * include: the pace holds every send until the server's Retry-After, then spaces them out.
   */
  onRetryScheduled?: (event: {
    operation: string;
    retry: number;
    delayMs: number;
    status: number | undefined;
    code: string;
    paced: boolean;
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
   * A call to the shared token store failed or timed out (the client then fetches on its own and
   * skips the store for a while), or a value it holds cannot be used: it does not decrypt, or is no
   * token record (`error.code` is `store_value_unreadable`; the client fetches on its own). Callers
   * are not affected.
   */
  onStoreError?: (event: {
    kind: "bank" | "customer";
    operation: "get" | "set" | "acquire" | "release";
    error: unknown;
  }) => void;
}

/** Every hook's name, checked against CybridIdHooks by the compiler (none missing, none extra). */
const HOOK_NAMES: Record<keyof CybridIdHooks, 0> = {
  onTokenFetched: 0,
  onTokenServedFromCache: 0,
  onRefreshFailed: 0,
  onRetryScheduled: 0,
  onPacingChanged: 0,
  onStoreError: 0,
};

/**
 * The hooks as the engine calls them, each wrapped once when the client is made (nothing is
 * allocated per call: onTokenServedFromCache runs on every warm getToken). Each looks its hook
 * up on the caller's object when it fires and calls it as that object's method, as the store
 * and the logger sink are called: a class's methods work, and so does a hook set later. A
 * failure is logged once per hook and client, not each time: a hook broken for good would
 * otherwise add a warn line to every call on that hot path, and the first line already says
 * what to fix.
 */
export function guardHooks(hooks: CybridIdHooks, logger: Logger): CybridIdHooks {
  const userHooks = hooks as Record<string, ((event: unknown) => unknown) | undefined>;
  const guarded: Record<string, (event: unknown) => void> = {};
  for (const name in HOOK_NAMES) {
    let reported = false;
    const report = (error: unknown) => {
      if (reported) return;
      reported = true;
      logger.log(
        "warn",
        `hooks.${name} failed (${failureReason(error)}); ignored, and not logged again`,
      );
    };
    guarded[name] = (event) => {
      try {
        // A method call: `this` is the caller's object.
        const result = userHooks[name]?.(event) as PromiseLike<unknown> | undefined;
        // Not awaited (the call does not wait for metrics), but never an unhandled rejection.
        if (typeof result?.then === "function") result.then(undefined, report);
      } catch (error) {
        report(error);
      }
    };
  }
  return guarded;
}

/** What a log line says of a user callback's failure (the logger redacts it). */
export function failureReason(error: unknown): string {
  try {
    return String(error instanceof Error ? error.message : error);
  } catch {
    // A null-prototype object, a message getter that throws: said without its reason.
    return "an error that cannot be shown";
  }
}
