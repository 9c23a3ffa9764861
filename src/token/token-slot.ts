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

interface Current<T> extends TokenTimes {
  value: T;
  token: string;
  /** The value as a settled promise, made once per token for the fresh path of getAsync. */
  resolved: Promise<T>;
}

export class TokenSlot<T> {
  #current: Current<T> | undefined;
  #inflight: Promise<T> | undefined;
  #failures = 0;
  #nextTryAt = 0;
  readonly #fetch: TokenFetcher<T>;
  readonly #events: TokenSlotEvents;

  constructor(fetch: TokenFetcher<T>, events: TokenSlotEvents = {}) {
    this.#fetch = fetch;
    this.#events = events;
  }

  /** The token, from cache when it is still usable. Returns a value on the hot path. */
  get(signal?: AbortSignal): T | Promise<T> {
    const current = this.#current;
    const decision = decide(current, Date.now(), this.#inflight !== undefined, this.#nextTryAt);
    if (current !== undefined && decision !== "wait") {
      if (decision === "serve-and-refresh") this.#refresh(true);
      this.#events.servedFromCache?.();
      return current.value;
    }
    const shared = this.#inflight ?? this.#refresh(false);
    return signal === undefined ? shared : raceAbort(shared, signal);
  }

  /**
   * `get` as a promise. While the token is fresh, the same settled promise is returned on every
   * call: getToken() on a warm cache then costs a clock read and no allocation.
   */
  getAsync(signal?: AbortSignal): Promise<T> {
    const current = this.#current;
    if (current !== undefined && Date.now() < current.refreshAt) {
      this.#events.servedFromCache?.();
      return current.resolved;
    }
    const value = this.get(signal);
    return value instanceof Promise ? value : Promise.resolve(value);
  }

  /** A new token now, whatever the cache holds (one fetch shared with concurrent callers). */
  refresh(signal?: AbortSignal): Promise<T> {
    const shared = this.#inflight ?? this.#refresh(false);
    return signal === undefined ? shared : raceAbort(shared, signal);
  }

  /**
   * Drops the cached token. With `staleToken`, only if it is still the cached one: a hundred
   * requests rejected with the same old token cause one refresh, not a hundred.
   */
  invalidate(staleToken?: string): void {
    if (staleToken === undefined || this.#current?.token === staleToken) this.#current = undefined;
  }

  /** The cached token's times, for diagnostics and tests. */
  peek(): (TokenTimes & { value: T }) | undefined {
    return this.#current;
  }

  #refresh(background: boolean): Promise<T> {
    const run = this.#fetch(background).then(
      (issued) => {
        this.#current = {
          value: issued.value,
          token: issued.token,
          resolved: Promise.resolve(issued.value),
          ...planTokenTimes(issued.sentAt, issued.lifetimeMs),
        };
        this.#failures = 0;
        this.#nextTryAt = 0;
        return issued.value;
      },
      (error: unknown) => {
        this.#failures++;
        this.#nextTryAt = Date.now() + refreshRetryDelay(this.#failures);
        this.#events.refreshFailed?.(error, this.#nextTryAt);
        throw error;
      },
    );
    const settled = run.finally(() => {
      if (this.#inflight === settled) this.#inflight = undefined;
    });
    this.#inflight = settled;
    // A background refresh has no awaiting caller: its failure is reported through events.
    if (background) settled.catch(() => undefined);
    return settled;
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
