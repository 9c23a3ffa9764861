/**
 * One token slot: a cached token and the one fetch that replaces it (see token-cache.ts for
 * what `get` does in each part of a token's life), and the LRU the cache keeps its slots in.
 */
import type { CybridIdHooks } from "../config/hooks.js";
import type { Logger } from "../log/logger.js";
import { TimeoutError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";
import { raceAbort, within } from "../retry/timers.js";
import type { FetchCall, IssuedToken, SharedStore, TokenFetcher } from "./issued-token.js";
import { decide, planTokenTimes, refreshRetryDelay, type TokenTimes } from "./token-timing.js";
import { tokenValue, type AccessToken, type TokenKind } from "./token-requests.js";

/** One cached token and its single-flight fetch. */
export interface TokenSlot<T> {
  get(signal?: AbortSignal): Promise<T>;
  invalidate(staleToken?: string): void;
  /** A fetch is under way (foreground or background). */
  readonly busy: boolean;
}

/** What the slots of one client share. */
export interface SlotContext {
  logger: Logger;
  hooks: CybridIdHooks;
  /** The client's shared store, which wraps each slot's fetch, when it has one. */
  shared: SharedStore | undefined;
  /** A fetch starting now: its one `deadline`, for the store wait and the requests alike. */
  callFromNow(background: boolean): FetchCall;
  /** The client's `deadline`, ms: how long a caller waits at most. */
  deadline: number;
}

/**
 * The slot under `key`, made on first use; beyond `capacity` entries the least recently used
 * goes. A Map iterates in insertion order, so every use re-inserts. A slot whose fetch is under
 * way stays until a later use finds it idle: gone, its next caller would make a new slot and
 * send a second request for the same token.
 */
export function lruGet<V extends { readonly busy: boolean }>(
  map: Map<string, V>,
  key: string,
  capacity: number,
  make: () => V,
): V {
  const value = map.get(key) ?? make();
  map.delete(key);
  map.set(key, value);
  for (const [each, slot] of map) {
    if (map.size <= capacity) break;
    if (each !== key && !slot.busy) map.delete(each);
  }
  return value;
}

/**
 * A slot of `kind`, under `keyParts` in the shared store. `fetch` is the token request; a
 * shared store wraps it (and rebuilds the tokens it holds as values with `customerGuid`).
 */
export function createTokenSlot<T extends AccessToken>(
  context: SlotContext,
  kind: TokenKind,
  keyParts: readonly string[],
  fetch: TokenFetcher<T>,
  customerGuid?: string,
): TokenSlot<T> {
  const { shared, logger, hooks, callFromNow, deadline } = context;
  const fetcher = shared
    ? shared.wrap(
        kind,
        keyParts,
        fetch,
        (stored) =>
          tokenValue(
            stored.token,
            stored.scopes,
            new Date(stored.sentAt + stored.lifetimeMs),
            customerGuid,
          ) as T,
        (value) => value.scopes,
      )
    : fetch;
  let current: (IssuedToken<T> & TokenTimes) | undefined;
  let inflight: Promise<T> | undefined;
  /** Whether `inflight` is a background refresh (its timers keep no process alive). */
  let inflightInBackground = false;
  let failures = 0;
  let nextTryAt = 0;
  /** Bumped by a full invalidate(): fetches of an older generation may not cache a token. */
  let generation = 0;

  function start(background: boolean): Promise<T> {
    const startedIn = generation;
    const run = fetcher(callFromNow(background)).then(
      (issued) => {
        if (startedIn === generation) {
          current = { ...issued, ...planTokenTimes(issued.sentAt, issued.lifetimeMs) };
          failures = nextTryAt = 0;
        }
        return issued.value;
      },
      (error: unknown) => {
        if (startedIn === generation) nextTryAt = Date.now() + refreshRetryDelay(++failures);
        const code = (error as { code?: unknown } | undefined)?.code ?? "error";
        if (background) {
          // Nobody awaits a background refresh: the log and the hook are its only report.
          const servingCached = Date.now() < (current?.usableUntil ?? 0);
          logger.log(
            servingCached ? "warn" : "error",
            `${kind} token refresh failed (${code})${servingCached ? "; still serving the cached token" : ""}`,
          );
          // Fenced off by invalidate(), it set no backoff: the next caller fetches at once.
          const next = new Date(Math.max(nextTryAt, Date.now()));
          hooks.onRefreshFailed?.({ kind, error, servingCached, nextTryAt: next });
        } else {
          // Its callers get the error: this line is a trace, not a second report.
          logger.log("debug", `${kind} token fetch failed (${code})`);
        }
        throw error;
      },
    );
    inflight = run;
    inflightInBackground = background;
    // Settled, it is no longer the fetch to join. This handler of its own also keeps a
    // failure that nobody awaits any more (its callers left) from being an unhandled rejection.
    const settled = () => {
      if (inflight === run) inflight = undefined;
    };
    run.then(settled, settled);
    return run;
  }

  /**
   * A caller's wait for the fetch under way. A background refresh (the token ran out while it
   * was under way) was not started for a caller: it may wait on a Retry-After or the store's
   * lock longer than the caller's deadline, on timers that keep no process alive. The caller
   * waits until its own deadline at most, on a timer that does keep the process alive, as a
   * fetch of its own would (else a script awaiting the token could end mid-wait).
   */
  function join(fetch: Promise<T>): Promise<T> {
    if (!inflightInBackground) return fetch;
    const late = () =>
      new TimeoutError(`${kind} token: the refresh under way did not end before the deadline`, {
        code: ERROR_CODES.DEADLINE_EXCEEDED,
        attempts: 0,
      });
    return within(fetch, deadline, late);
  }

  return {
    get busy() {
      return inflight !== undefined;
    },
    async get(signal) {
      if (signal?.aborted) throw signal.reason;
      const decision = decide(current, Date.now(), inflight !== undefined, nextTryAt);
      if (decision === "wait") {
        const fetch = inflight === undefined ? start(false) : join(inflight);
        return signal ? raceAbort(fetch, signal) : fetch;
      }
      if (decision === "serve-and-refresh") start(true);
      hooks.onTokenServedFromCache?.({ kind });
      // decide() serves only a cached token.
      return current!.value;
    },
    invalidate(staleToken) {
      if (staleToken === undefined) {
        generation++;
        inflight = undefined;
        failures = nextTryAt = 0;
      }
      if (staleToken === undefined || current?.token === staleToken) current = undefined;
    },
  };
}
