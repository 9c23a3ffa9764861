/**
 * A TokenFetcher in front of a shared {@link TokenStore}, so that a fleet of processes mints one
 * token per refresh. The in-memory TokenSlot stays in front of it: the store is only consulted
 * when a slot would otherwise go to the server, so the hot path has no network round trip.
 *
 * One fetch, top to bottom:
 * 1. the stored token, if it is still before its refresh point (no HTTP request);
 * 2. else the refresh lock: its holder reads the store once more (another process may have
 *    stored a token between our read and our lock), fetches over HTTP, stores the token for its
 *    usable lifetime and releases the lock;
 * 3. else another process is refreshing: a caller with nothing usable gets the still-valid
 *    stored token at once, if there is one; otherwise (and for background refreshes) we poll
 *    the store with small jittered waits for the new token, taking the lock over when it expires
 *    (its holder crashed), and fetch alone once the lock's lifetime has passed.
 *
 * The refresh point of a stored token is computed from the stored anchor and lifetime, so every
 * process agrees when its window opens (75% of the lifetime); each slot still adds its own
 * jitter on top, which spreads the processes' store reads.
 *
 * The cache must never be the reason a token cannot be had: every store call is bounded by a
 * timeout; a failing store is reported (warn + `onStoreError`), bypassed for a while with an
 * exponential backoff, and each process fetches and caches on its own meanwhile.
 */
import { ERROR_CODES } from "../errors/error-codes.js";
import { sleep } from "../timers.js";
import type { IssuedToken, TokenFetcher } from "../token/issued-token.js";
import { planTokenTimes } from "../token/token-timing.js";
import type {
  SharedStore,
  StoredToken,
  StoreOperation,
  TokenStore,
  TokenStoreContext,
} from "./token-store.js";

/** A client's context (from `attach`) and the settings of the store it attaches to. */
export interface SharedStoreSettings extends TokenStoreContext {
  store: TokenStore;
  /** Bound on each store call (ms). */
  timeoutMs: number;
  /** Lifetime of a refresh lock (ms): how long a crashed holder can block the others. */
  lockTtlMs: number;
}

/**
 * The `code` of the error a `TokenStore.get` throws for a value that is there but that this
 * process cannot read (encrypted with another key): reported, then left alone (see
 * `call`). A string, not a class, so that it survives separate bundles of the entries.
 */
export const UNREADABLE_VALUE = ERROR_CODES.STORE_VALUE_UNREADABLE;

/** Thrown inside this module when the store failed; the fetch then degrades to HTTP alone. */
class StoreUnavailable extends Error {}

const MAX_REJECTED = 64;
const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 250;
const BYPASS_MAX_MS = 30_000;

/** One per client: store health and rejected tokens are shared by all its token slots. */
export function createSharedStore(settings: SharedStoreSettings): SharedStore {
  const { store, timeoutMs, lockTtlMs, logger, hooks } = settings;
  let failures = 0;
  let bypassUntil = 0;
  /** A value this client cannot decrypt is reported on each read but warned about once. */
  let warnedUnreadable = false;
  /** Tokens a server rejected (or the user dropped): never taken from the store again. */
  const rejected = new Set<string>();
  /** The last token handed out per key, so that `reject()` with no token can name them. */
  const handedOut = new Map<string, string>();
  /**
   * Bumped by `reject()` with no token (the client's invalidate()): a fetch started before it
   * may not put its token in the store, nor hand it to anyone but its own callers.
   */
  let generation = 0;

  /**
   * A store call bounded by the timeout; any failure is reported and becomes StoreUnavailable.
   * `late` receives the result of a call that succeeds after its timeout fired (the caller
   * has moved on): what it did in the store may need undoing.
   */
  async function call<R>(
    kind: string,
    operation: StoreOperation,
    run: () => Promise<R>,
    late?: (result: R) => void,
  ) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      // The store call itself keeps a process alive if it must; this timer alone should not.
      (timer as { unref?: () => void }).unref?.();
    });
    const attempt = Promise.resolve().then(run);
    // A call that settles after its timeout must not become an unhandled rejection.
    attempt.then((result) => timedOut && late?.(result)).catch(() => undefined);
    try {
      const result = await Promise.race([attempt, timeout]);
      if (failures > 0) logger.log("info", "token store reachable again");
      failures = 0;
      return result;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if ((error as { code?: unknown } | undefined)?.code === UNREADABLE_VALUE) {
        // The store works; the value is another key's. No bypass, no lock, no overwrite: the
        // caller fetches alone and the value stays until it expires (then is replaced).
        if (!warnedUnreadable)
          logger.log(
            "warn",
            `token store: ${reason}; check that every process has the same encryptionKey. ` +
              "Fetching without the store until that value expires",
          );
        warnedUnreadable = true;
        hooks.onStoreError?.({ kind: kind as "bank" | "customer", operation, error });
        throw new StoreUnavailable(reason);
      }
      failures++;
      const pauseMs = Math.min(BYPASS_MAX_MS, 1000 * 2 ** (failures - 1));
      bypassUntil = Date.now() + pauseMs;
      logger.log(
        "warn",
        `token store ${operation} failed (${reason}); fetching without it for ${pauseMs} ms`,
      );
      hooks.onStoreError?.({ kind: kind as "bank" | "customer", operation, error });
      throw new StoreUnavailable(reason);
    } finally {
      clearTimeout(timer);
    }
  }

  function parse(raw: string | null | undefined): StoredToken | undefined {
    if (typeof raw !== "string") return undefined;
    try {
      const data = JSON.parse(raw) as StoredToken;
      // What we wrote ourselves; anything else (another writer, an old format) is replaced.
      if (typeof data.token === "string" && data.sentAt > 0 && data.lifetimeMs > 0)
        return { ...data, scopes: Array.isArray(data.scopes) ? data.scopes.map(String) : [] };
    } catch {}
    logger.log("warn", "token store: unreadable value ignored");
    return undefined;
  }

  // What each method means is documented on SharedStore (token-store.ts).
  return {
    reject(token) {
      if (token === undefined) generation++;
      for (const each of token === undefined ? handedOut.values() : [token]) rejected.add(each);
      // Oldest first out: an old token is expired anyway.
      for (const each of rejected) if (rejected.size > MAX_REJECTED) rejected.delete(each);
    },

    wrap<T>(
      kind: "bank" | "customer",
      keyParts: readonly string[],
      fetch: TokenFetcher<T>,
      rebuild: (stored: StoredToken) => T,
      scopesOf: (value: T) => readonly string[],
    ): TokenFetcher<T> {
      // JSON keeps the parts unambiguous whatever characters a client id or URL holds. The
      // namespace (with the tag of the secret) is asynchronous: the key is made on first use.
      let storeKey: Promise<string> | undefined;
      const keyOf = () =>
        (storeKey ??= settings
          .namespace()
          .then((namespace) => JSON.stringify(["cybrid-id/v1", kind, ...namespace, ...keyParts])));
      /** This token kind and scope set, within this client (whose namespace is fixed). */
      const slot = JSON.stringify([kind, ...keyParts]);
      const run = <R>(operation: StoreOperation, body: () => Promise<R>) =>
        call(kind, operation, body);

      const usable = (stored: StoredToken | undefined, now: number) =>
        stored !== undefined &&
        !rejected.has(stored.token) &&
        now < planTokenTimes(stored.sentAt, stored.lifetimeMs).usableUntil;
      // The earliest point of the window (no jitter): the same instant in every process.
      const fresh = (stored: StoredToken | undefined, now: number): stored is StoredToken =>
        usable(stored, now) &&
        now < planTokenTimes(stored!.sentAt, stored!.lifetimeMs, () => 0).refreshAt;

      function served(stored: StoredToken): IssuedToken<T> {
        settings.redactor.add(stored.token);
        handedOut.set(slot, stored.token);
        logger.log("debug", `token store: ${kind} token served from the store`);
        const { token, sentAt, lifetimeMs } = stored;
        return { value: rebuild(stored), token, sentAt, lifetimeMs };
      }

      /** A token fetched over HTTP; one from a fetch sent before an invalidate() is fenced off. */
      function fetched(issued: IssuedToken<T>, startedIn: number): boolean {
        handedOut.set(slot, issued.token);
        if (startedIn === generation) return true;
        rejected.add(issued.token);
        return false;
      }

      async function underLock(
        key: string,
        fence: string,
        background: boolean,
        startedIn: number,
      ): Promise<IssuedToken<T>> {
        logger.log("debug", `token store: ${kind} refresh lock acquired`);
        try {
          const again = parse(await run("get", () => store.get(key)));
          if (fresh(again, Date.now())) return served(again);
          const issued = await fetch(background);
          if (!fetched(issued, startedIn)) return issued;
          const ttlMs = planTokenTimes(issued.sentAt, issued.lifetimeMs).usableUntil - Date.now();
          const record: StoredToken = {
            token: issued.token,
            sentAt: issued.sentAt,
            lifetimeMs: issued.lifetimeMs,
            scopes: scopesOf(issued.value),
          };
          // A store that fails now costs the others a fetch of their own, not us our token.
          if (ttlMs > 0)
            await run("set", () => store.set(key, JSON.stringify(record), Math.ceil(ttlMs))).catch(
              () => undefined,
            );
          return issued;
        } finally {
          // Not awaited by the caller's token: an unreleased lock expires by itself.
          void run("release", () => store.release(key, fence)).catch(() => undefined);
        }
      }

      async function viaStore(background: boolean, startedIn: number): Promise<IssuedToken<T>> {
        // Not bounded by the store's timeout (no store call); a failure (no WebCrypto) is
        // reported like a failing store, and the client fetches alone.
        const key = await keyOf().catch((error: unknown) =>
          run("get", () => Promise.reject(error)),
        );
        // Past the lock's lifetime its holder is gone or stuck: nobody else will store a token.
        const giveUpAt = Date.now() + lockTtlMs + timeoutMs;
        let pollMs = POLL_FIRST_MS;
        for (;;) {
          const stored = parse(await run("get", () => store.get(key)));
          if (fresh(stored, Date.now())) return served(stored);
          const fence = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
          // A lock taken after the timeout gave up on it would block the fleet for its whole
          // TTL with nobody refreshing: release it (with its fence) the moment it arrives.
          const releaseLate = (taken: boolean) =>
            taken && void store.release(key, fence).catch(() => undefined);
          if (await call(kind, "acquire", () => store.acquire(key, fence, lockTtlMs), releaseLate))
            return underLock(key, fence, background, startedIn);
          // Someone else is refreshing. A caller with no token takes the valid one it can get.
          if (!background && usable(stored, Date.now())) return served(stored!);
          // Leaves the loop through the catch below, with a warning, like any store failure.
          if (Date.now() >= giveUpAt)
            await run("acquire", () => Promise.reject(new Error("lock held past its TTL")));
          logger.log("debug", `token store: ${kind} refresh in progress elsewhere; waiting`);
          // Background waits hold no process open: nobody awaits them.
          await sleep(pollMs * (0.5 + Math.random()), undefined, background);
          pollMs = Math.min(POLL_MAX_MS, pollMs * 1.5);
        }
      }

      return async (background) => {
        const startedIn = generation;
        if (Date.now() < bypassUntil) return fetch(background);
        try {
          return await viaStore(background, startedIn);
        } catch (error) {
          // The store failed before we went to the server: fetch on our own. HTTP errors
          // (the server's answer) propagate unchanged.
          if (!(error instanceof StoreUnavailable)) throw error;
          const issued = await fetch(background);
          fetched(issued, startedIn);
          return issued;
        }
      };
    },
  };
}
