/**
 * One cached token and the rules for replacing it:
 * - fresh (before refreshAt): served as is, no I/O;
 * - in the refresh window (refreshAt..usableUntil): served as is while ONE background refresh
 *   runs; a failed background refresh keeps the current token and waits refreshRetryDelay()
 *   before the next try (no request storm during an outage);
 * - expired (past usableUntil) or absent: callers wait for ONE foreground fetch, shared by all.
 * A caller's AbortSignal only stops that caller's wait, never the shared fetch; a caller whose
 * signal is already aborted gets its reason at once and starts nothing. Every shared fetch has a
 * handler of its own, so a fetch that fails after its callers left is never an unhandled
 * rejection.
 *
 * `invalidate()` fences: a fetch started before it neither installs its token nor is joined by
 * later callers (each fetch carries the generation it started in).
 */
import { raceAbort } from "../timers.js";
import type { TokenFetcher } from "./issued-token.js";
import { decide, planTokenTimes, refreshRetryDelay, type TokenTimes } from "./token-timing.js";

export interface TokenSlotEvents {
  servedFromCache?: (() => void) | undefined;
  /** A background refresh failed: nobody awaits it, so this is the only report of it. */
  refreshFailed?: ((error: unknown, nextTryAt: number) => void) | undefined;
  /** A foreground fetch failed: its callers get the error; this is a trace, not a report. */
  fetchFailed?: ((error: unknown) => void) | undefined;
}

/** One cached token and its single-flight fetch. */
export interface TokenSlot<T> {
  /**
   * The token: from cache while it is usable (inside the refresh window, one background refresh
   * starts behind it), else from the one fetch every caller shares.
   */
  get(signal?: AbortSignal): Promise<T>;
  /** A new token now, whatever the cache holds (one fetch shared with concurrent callers). */
  refresh(signal?: AbortSignal): Promise<T>;
  /**
   * Drops the cached token. With `staleToken`, only if it is still the cached one: a hundred
   * requests rejected with the same old token cause one refresh, not a hundred. Without it, a
   * fetch already under way is fenced off too: only a request sent after this call may supply
   * the next token.
   */
  invalidate(staleToken?: string): void;
  /** Whether a cached token is still usable (not past `usableUntil`). */
  usable(): boolean;
}

interface Current<T> extends TokenTimes {
  value: T;
  token: string;
}

export function createTokenSlot<T>(
  fetch: TokenFetcher<T>,
  events: TokenSlotEvents = {},
): TokenSlot<T> {
  let current: Current<T> | undefined;
  let inflight: Promise<T> | undefined;
  let failures = 0;
  let nextTryAt = 0;
  /** Bumped by a full invalidate(): fetches of an older generation may not install a token. */
  let generation = 0;

  function start(background: boolean): Promise<T> {
    const startedIn = generation;
    const run = fetch(background).then(
      (issued) => {
        if (startedIn !== generation) return issued.value; // sent before invalidate(): not cached
        current = {
          value: issued.value,
          token: issued.token,
          ...planTokenTimes(issued.sentAt, issued.lifetimeMs),
        };
        failures = 0;
        nextTryAt = 0;
        return issued.value;
      },
      (error: unknown) => {
        if (startedIn === generation) {
          failures++;
          nextTryAt = Date.now() + refreshRetryDelay(failures);
        }
        // Reported once: a background failure through refreshFailed (nobody else hears of it),
        // a foreground one to the callers who await it.
        if (background) events.refreshFailed?.(error, nextTryAt);
        else events.fetchFailed?.(error);
        throw error;
      },
    );
    const settled = run.finally(() => {
      if (inflight === settled) inflight = undefined;
    });
    inflight = settled;
    // Callers each get their own chain (or left: aborted); the shared promise itself must never
    // be an unhandled rejection, whoever still awaits it.
    settled.catch(() => undefined);
    return settled;
  }

  function refresh(signal?: AbortSignal): Promise<T> {
    // An aborted caller starts nothing: nobody would await the request.
    if (signal?.aborted) return Promise.reject(signal.reason);
    const shared = inflight ?? start(false);
    return signal === undefined ? shared : raceAbort(shared, signal);
  }

  async function get(signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw signal.reason;
    const decision = decide(current, Date.now(), inflight !== undefined, nextTryAt);
    if (current === undefined || decision === "wait") return refresh(signal);
    if (decision === "serve-and-refresh") start(true);
    events.servedFromCache?.();
    return current.value;
  }

  return {
    get,
    refresh,
    invalidate(staleToken) {
      if (staleToken === undefined) {
        generation++;
        inflight = undefined;
        failures = 0;
        nextTryAt = 0;
      }
      if (staleToken === undefined || current?.token === staleToken) current = undefined;
    },
    usable: () => current !== undefined && Date.now() < current.usableUntil,
  };
}
