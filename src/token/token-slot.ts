/**
 * One cached token and the rules for replacing it:
 * - fresh (before refreshAt): served as is, no I/O;
 * - in the refresh window (refreshAt..usableUntil): served as is while ONE background refresh
 *   runs; a failed background refresh keeps the current token and waits refreshRetryDelay()
 *   before the next try (no request storm during an outage);
 * - expired (past usableUntil) or absent: callers wait for ONE foreground fetch, shared by all.
 * A caller's AbortSignal only stops that caller's wait, never the shared fetch.
 */
import { decide, planTokenTimes, refreshRetryDelay, type TokenTimes } from "./token-timing.js";

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

export interface TokenSlotEvents {
  servedFromCache?: (() => void) | undefined;
  refreshFailed?: ((error: unknown, nextTryAt: number) => void) | undefined;
}

/** `background` is true when nobody waits for the fetch (its waits must not hold the process). */
export type TokenFetcher<T> = (background: boolean) => Promise<IssuedToken<T>>;

/** One cached token and its single-flight fetch. */
export interface TokenSlot<T> {
  /** The token, from cache when it is still usable. Returns a value on the hot path. */
  get(signal?: AbortSignal): T | Promise<T>;
  /**
   * `get` as a promise. While the token is fresh, the same settled promise is returned on every
   * call: getToken() on a warm cache then costs a clock read and no allocation.
   */
  getAsync(signal?: AbortSignal): Promise<T>;
  /** A new token now, whatever the cache holds (one fetch shared with concurrent callers). */
  refresh(signal?: AbortSignal): Promise<T>;
  /**
   * Drops the cached token. With `staleToken`, only if it is still the cached one: a hundred
   * requests rejected with the same old token cause one refresh, not a hundred.
   */
  invalidate(staleToken?: string): void;
  /** Whether a cached token is still usable (not past `usableUntil`). */
  usable(): boolean;
}

interface Current<T> extends TokenTimes {
  value: T;
  token: string;
  /** The value as a settled promise, made once per token for the fresh path of getAsync. */
  resolved: Promise<T>;
}

export function createTokenSlot<T>(
  fetch: TokenFetcher<T>,
  events: TokenSlotEvents = {},
): TokenSlot<T> {
  let current: Current<T> | undefined;
  let inflight: Promise<T> | undefined;
  let failures = 0;
  let nextTryAt = 0;

  function start(background: boolean): Promise<T> {
    const run = fetch(background).then(
      (issued) => {
        current = {
          value: issued.value,
          token: issued.token,
          resolved: Promise.resolve(issued.value),
          ...planTokenTimes(issued.sentAt, issued.lifetimeMs),
        };
        failures = 0;
        nextTryAt = 0;
        return issued.value;
      },
      (error: unknown) => {
        failures++;
        nextTryAt = Date.now() + refreshRetryDelay(failures);
        events.refreshFailed?.(error, nextTryAt);
        throw error;
      },
    );
    const settled = run.finally(() => {
      if (inflight === settled) inflight = undefined;
    });
    inflight = settled;
    // A background refresh has no awaiting caller: its failure is reported through events.
    if (background) settled.catch(() => undefined);
    return settled;
  }

  function refresh(signal?: AbortSignal): Promise<T> {
    const shared = inflight ?? start(false);
    return signal === undefined ? shared : raceAbort(shared, signal);
  }

  function get(signal?: AbortSignal): T | Promise<T> {
    const decision = decide(current, Date.now(), inflight !== undefined, nextTryAt);
    if (current === undefined || decision === "wait") return refresh(signal);
    if (decision === "serve-and-refresh") start(true);
    events.servedFromCache?.();
    return current.value;
  }

  return {
    get,
    getAsync(signal) {
      if (current !== undefined && Date.now() < current.refreshAt) {
        events.servedFromCache?.();
        return current.resolved;
      }
      const value = get(signal);
      return value instanceof Promise ? value : Promise.resolve(value);
    },
    refresh,
    invalidate(staleToken) {
      if (staleToken === undefined || current?.token === staleToken) current = undefined;
    },
    usable: () => current !== undefined && Date.now() < current.usableUntil,
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
