/**
 * The fleet protocol: one client's view of a shared {@link TokenStore}, so that a fleet of
 * processes mints one token per refresh. The in-memory token cache stays in front of it: the
 * store is only consulted when the cache would otherwise go to the server, so the hot path has
 * no network round trip.
 *
 * One fetch, top to bottom:
 * 1. the stored token, if it is still before its refresh point (no HTTP request);
 * 2. else the refresh lock: its holder reads the store once more (another process may have
 *    stored a token between our read and our lock), fetches over HTTP, stores the token for its
 *    usable lifetime and releases the lock;
 * 3. else another process is refreshing: a caller with nothing usable gets the still-valid
 *    stored token at once, if there is one; otherwise (and for background refreshes) we poll
 *    the store with short, growing waits for the new token, taking the lock over when it
 *    expires (its holder crashed). A caller's deadline counts this wait, a third of it at
 *    most: then we fetch alone with the rest (that token is not stored, nothing is reported).
 *    A background refresh waits as long as the lock lives. Past that, the store is reported.
 *
 * The refresh point of a stored token is computed from the stored anchor and lifetime, so every
 * process agrees when its window opens (75% of the lifetime); each cache still adds its own
 * jitter on top, which spreads the processes' store reads.
 *
 * The cache must never be the reason a token cannot be had: every store call is bounded by a
 * timeout; a failing store is reported (warn + `onStoreError`), bypassed for a while with an
 * exponential backoff, and each process fetches and caches on its own meanwhile.
 */
import { ERROR_CODES } from "../errors/error-codes.js";
import { backoffDelay, halfJitter } from "../retry/backoff.js";
import { monotonicNow, sleep } from "../retry/timers.js";
import { MAX_RESPONSE_BYTES } from "../pipeline/bounded-body.js";
import { isBearerToken } from "../token/token-requests.js";
import { isStringArray } from "../validation/call-input.js";
import { MAX_LIFETIME_MS, planTokenTimes } from "../token/token-timing.js";
import { createStoreFences } from "./store-fences.js";
import type { CybridIdHooks } from "../config/hooks.js";
import type { StoreSettings } from "../config/token-store.js";
import type { Logger } from "../log/logger.js";
import type { FetchCall, IssuedToken, SharedStore, StoredToken } from "../token/issued-token.js";

/** What a client gives its store: where its keys live, and how to report. */
export interface TokenStoreContext {
  /**
   * Namespace of every key: the client's base URL, client id and a keyed hash (HMAC) of its
   * secret, so that only clients with the same secret share tokens. Computed once, on first
   * use (WebCrypto is asynchronous); never the secret itself.
   */
  namespace: () => Promise<readonly string[]>;
  logger: Logger;
  /** Tokens read from the store are added here, so that logs never show them. */
  redactor: { add(secret: string): void };
  hooks: Pick<CybridIdHooks, "onStoreError">;
}

export type StoreOperation = "get" | "set" | "acquire" | "release";

/** Thrown inside this module when the store failed; the fetch then goes to the server alone. */
class StoreUnavailable extends Error {}

type Kind = "bank" | "customer";

/** Waits for another process's token: 25 ms growing to 250 ms. */
const POLL = { base: 25, max: 250 };
/** How long a failing store is skipped: 1 s after one failure, doubling up to 30 s. */
const BYPASS = { base: 1000, max: 30_000 };
const ignore = () => undefined;
/** A stored token's times without jitter: the same instants in every process. */
const timesOf = (stored: StoredToken) => planTokenTimes(stored.sentAt, stored.lifetimeMs, () => 0);

/**
 * The call of the HTTP fetch after a wait on the store that started at `startedAt`. A caller's
 * wait came out of its deadline. A background refresh's cost nobody (the cached token is served
 * meanwhile): its requests get their whole deadline after it.
 */
const afterWait = (fetchCall: FetchCall, startedAt: number): FetchCall =>
  fetchCall.background
    ? { ...fetchCall, deadlineAt: fetchCall.deadlineAt + monotonicNow() - startedAt }
    : fetchCall;

/** One per client: store health and rejected tokens are shared by all its token kinds. */
export function createSharedStore(settings: StoreSettings & TokenStoreContext): SharedStore {
  const { store, timeoutMs, lockTtlMs, logger, hooks } = settings;
  /** Store failures in a row: the exponent of the bypass. */
  let failures = 0;
  let bypassUntil = 0;
  /** A value this client cannot decrypt is reported on each read but warned about once. */
  let warnedUnreadable = false;
  /** Tokens a server rejected (or the user dropped): never taken from the store again. */
  const fences = createStoreFences();
  /**
   * Bumped by `reject()` with no token (the client's invalidate()): a fetch started before it
   * may not put its token in the store.
   */
  let generation = 0;

  const usable = (stored: StoredToken | undefined): stored is StoredToken =>
    stored !== undefined && !fences.has(stored.token) && Date.now() < timesOf(stored).usableUntil;
  const fresh = (stored: StoredToken | undefined): stored is StoredToken =>
    usable(stored) && Date.now() < timesOf(stored).refreshAt;

  /**
   * Reports a failed store call, or an unreadable value; the error it returns, when thrown, ends
   * this fetch's use of the store.
   */
  function failed(kind: Kind, operation: StoreOperation, error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    if ((error as { code?: unknown } | null)?.code === ERROR_CODES.STORE_VALUE_UNREADABLE) {
      // The store works: no bypass. A value its `get` refused (another key's) ends this fetch's
      // use of the store: no lock, no overwrite, the value stays until it expires. One that is
      // no token record is reported here too, then replaced (see read()).
      if (!warnedUnreadable) logger.log("warn", `token store: ${reason}`);
      warnedUnreadable = true;
    } else {
      const pauseMs = backoffDelay(failures++, BYPASS, halfJitter());
      bypassUntil = monotonicNow() + pauseMs;
      logger.log("warn", `token store ${operation} failed (${reason}); skipped for ${pauseMs} ms`);
    }
    hooks.onStoreError?.({ kind, operation, error });
    return new StoreUnavailable();
  }

  /**
   * A store call bounded by the timeout; a failure is reported and becomes StoreUnavailable.
   * `undo` runs when the call succeeds after its timeout (the caller has moved on without it):
   * what it did in the store may need undoing.
   */
  async function call<R>(
    kind: Kind,
    operation: StoreOperation,
    run: () => Promise<R>,
    undo?: () => unknown,
  ): Promise<R> {
    let timedOut = false;
    const settled = new AbortController();
    const attempt = Promise.resolve().then(run);
    // A call that settles after its timeout must not become an unhandled rejection.
    attempt.then(() => timedOut && undo?.()).catch(ignore);
    try {
      const result = await Promise.race([
        attempt,
        // Unref'd: the store call keeps a process alive if it must; its timeout should not.
        sleep(timeoutMs, settled.signal, true).then(() => {
          timedOut = true;
          throw new Error(`timed out after ${timeoutMs} ms`);
        }),
      ]);
      if (failures > 0) logger.log("info", "token store reachable again");
      failures = 0;
      return result;
    } catch (error) {
      throw failed(kind, operation, error);
    } finally {
      settled.abort();
    }
  }

  /**
   * The token stored under `key`, if the value is a token record. A store is shared
   * infrastructure, read like a server's answer: a value over MAX_RESPONSE_BYTES, a token that is
   * not a bearer token (it would go into Authorization headers), times that are not finite or
   * end later than a server's token could (a lifetime of 1e300: never refreshed), scopes that
   * are not strings are never served. Such a value is reported (`report`: once per fetch) and,
   * unlike one sealed with another key (maybe another deployment's token), counts as absent:
   * left until it expires, it would send the whole fleet to the server, each process alone. The
   * lock holder's token replaces it.
   */
  async function read(kind: Kind, key: string, report: boolean): Promise<StoredToken | undefined> {
    const raw = await call(kind, "get", () => store.get(key));
    if (raw == null) return undefined;
    try {
      // A token record is a few KB: a larger value is not even parsed. Parsing "null" or a
      // custom store's number throws here, or fails the checks.
      const { token, sentAt, lifetimeMs, scopes } = (
        raw.length <= MAX_RESPONSE_BYTES ? JSON.parse(raw) : {}
      ) as StoredToken;
      if (
        isBearerToken(token) &&
        [sentAt, lifetimeMs].every((ms) => Number.isFinite(ms) && ms > 0) &&
        sentAt + lifetimeMs <= Date.now() + MAX_LIFETIME_MS &&
        isStringArray(scopes)
      )
        return { token, sentAt, lifetimeMs, scopes };
    } catch {}
    if (report) {
      const error = new Error("stored value is not a token record");
      failed(kind, "get", Object.assign(error, { code: ERROR_CODES.STORE_VALUE_UNREADABLE }));
    }
    return undefined;
  }

  // What each method means is documented on SharedStore (token/issued-token.ts).
  return {
    reject(token) {
      if (token === undefined) generation++;
      fences.reject(token);
    },

    wrap(kind, keyParts, fetch, rebuild, scopesOf) {
      type Issued = IssuedToken<ReturnType<typeof rebuild>>;
      /** This token kind and scope set, within this client (whose namespace is fixed). */
      const slot = JSON.stringify([kind, ...keyParts]);
      // JSON keeps the parts unambiguous whatever characters a client id or URL holds. The
      // namespace (with the tag of the secret) is asynchronous: the key is made on first use.
      let storeKey: Promise<string> | undefined;

      function served(stored: StoredToken): Issued {
        settings.redactor.add(stored.token);
        fences.handedOut(slot, stored.token, timesOf(stored).usableUntil);
        logger.log("debug", `token store: ${kind} token read`);
        return { ...stored, value: rebuild(stored) };
      }

      async function viaStore(
        fetchCall: FetchCall,
        startedIn: number,
        startedAt: number,
      ): Promise<Issued> {
        const { background, deadlineAt } = fetchCall;
        if (monotonicNow() < bypassUntil) throw new StoreUnavailable();
        // Not bounded by the timeout (no store call); a failure (no WebCrypto) is reported like
        // a failing store, and the client fetches alone.
        const key = await (storeKey ??= settings
          .namespace()
          .then((namespace) =>
            JSON.stringify(["cybrid-id/v1", kind, ...namespace, ...keyParts]),
          )).catch((error: unknown) => {
          throw failed(kind, "get", error);
        });
        // Past the lock's lifetime its holder is gone or stuck: nobody else will store a token.
        const holderGoneAt = startedAt + lockTtlMs + timeoutMs;
        // A caller's deadline counts the wait, but a third of it at most: a stuck lock holder
        // costs a call time, never its token. A customer token's fetch may wait twice (for its
        // lock, then the bank token's) and still has a third left for its requests. A background
        // refresh waits as long as the lock lives: nobody waits for it (see afterWait).
        const waitUntil = background
          ? holderGoneAt
          : Math.min(holderGoneAt, startedAt + (deadlineAt - startedAt) / 3);
        for (let polls = 0; ; polls++) {
          const stored = await read(kind, key, polls === 0);
          if (fresh(stored)) return served(stored);
          const fence = Math.random().toString(36).slice(2);
          const release = () => store.release(key, fence);
          // A lock taken after its call timed out would block the fleet for its whole TTL with
          // nobody refreshing: it is released (with its fence) the moment it arrives.
          if (await call(kind, "acquire", () => store.acquire(key, fence, lockTtlMs), release)) {
            logger.log("debug", `token store: ${kind} lock taken`);
            try {
              // Another process may have stored a token between our read and our lock.
              const again = await read(kind, key, false);
              if (fresh(again)) return served(again);
              const issued = await fetch(afterWait(fetchCall, startedAt));
              const { token, sentAt, lifetimeMs } = issued;
              const { usableUntil } = planTokenTimes(sentAt, lifetimeMs);
              fences.handedOut(slot, token, usableUntil);
              const ttlMs = usableUntil - Date.now();
              const record = { token, sentAt, lifetimeMs, scopes: scopesOf(issued.value) };
              // Not from a fetch sent before an invalidate(). A store that fails now costs the
              // others a fetch of their own, not us our token.
              if (startedIn === generation && ttlMs > 0)
                await call(kind, "set", () =>
                  store.set(key, JSON.stringify(record), Math.ceil(ttlMs)),
                ).catch(ignore);
              return issued;
            } finally {
              // Not awaited by the caller's token: an unreleased lock expires by itself.
              call(kind, "release", release).catch(ignore);
            }
          }
          // Someone else is refreshing. A caller with no token takes the valid one it can get.
          if (!background && usable(stored)) return served(stored);
          if (monotonicNow() >= waitUntil) {
            // Past the lock's lifetime its holder is gone: reported, and the store skipped a
            // while. Before, it may just be slow: no store failure. Either way the token we fetch
            // alone is not ours to store.
            if (waitUntil === holderGoneAt)
              failed(kind, "acquire", new Error("lock held past its TTL"));
            else
              logger.log(
                "info",
                `token store: ${kind} lock still busy after a third of the deadline; fetching alone`,
              );
            return fetch(afterWait(fetchCall, startedAt));
          }
          logger.log("debug", `token store: ${kind} lock busy, waiting`);
          // Background waits hold no process open: nobody awaits them.
          const wait = Math.min(
            backoffDelay(polls, POLL, halfJitter()),
            waitUntil - monotonicNow(),
          );
          await sleep(wait, undefined, background);
        }
      }

      return (fetchCall) => {
        const startedAt = monotonicNow();
        return viaStore(fetchCall, generation, startedAt).catch((error: unknown) => {
          // The store failed before we went to the server: fetch on our own (that token never
          // goes to the store). HTTP errors, the server's answer, propagate unchanged.
          if (error instanceof StoreUnavailable) return fetch(afterWait(fetchCall, startedAt));
          throw error;
        });
      };
    },
  };
}
