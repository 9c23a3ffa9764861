/**
 * The token cache: one slot per bank scope set and one per (customer, scope set), each a
 * cached token and the one fetch that replaces it. A slot's `get`:
 * - fresh (before refreshAt): the cached token, no I/O;
 * - in the refresh window (refreshAt..usableUntil): the cached token, and ONE background
 *   refresh behind it; one that fails keeps the token and waits a backoff before the next try
 *   (no request storm during an outage);
 * - expired (past usableUntil) or absent: every caller waits for ONE foreground fetch.
 * A caller's signal only stops its own wait, never the shared fetch; an aborted caller starts
 * nothing. `invalidate()` fences: a fetch started before it neither caches its token nor is
 * joined by later callers (each fetch carries the generation it started in).
 *
 * Scope sets and customers may come from users, so both kinds of slots are bounded LRUs
 * (`bankTokenCacheSize`, `customerTokenCacheSize`); the slot of the client's own `scopes` is
 * kept apart and never evicted. A slot fetches through its token request (token-requests.ts
 * for a bank token, customer-mint.ts for a customer token), or through the shared store, which
 * wraps that fetch, when the client has one. The slot itself is token-slot.ts.
 */
import { failureReason } from "../config/hooks.js";
import type { Engine } from "../pipeline/idp-pipeline.js";
import { monotonicNow } from "../retry/timers.js";
import { customerTokenRequest } from "./customer-mint.js";
import type { FetchCall, SharedStore } from "./issued-token.js";
import {
  bankTokenRequest,
  type AccessToken,
  type CustomerToken,
  type CustomerTokenRequest,
} from "./token-requests.js";
import { createTokenSlot, lruGet, type SlotContext, type TokenSlot } from "./token-slot.js";

export type { AccessToken, CustomerToken, CustomerTokenRequest } from "./token-requests.js";

/**
 * The bank tokens, as cybrid.fetch and cybrid.middleware use them. Like every `get` here, a
 * request the spec refuses throws its ValidationError before anything async (client.ts turns
 * it into a rejection): the checks run once per scope set, as its slot is made.
 */
export interface BankTokens {
  /** The token for a scope set (the client's `scopes` when omitted), from its slot. */
  get(scopes?: readonly string[], signal?: AbortSignal): Promise<AccessToken>;
  /**
   * Drops the cached token. With `staleToken`, only where it is still the cached one: a
   * hundred requests rejected with the same old token cause one refresh, not a hundred.
   * Without it, every bank token, and the fetches under way are fenced off.
   */
  invalidate(staleToken?: string): void;
  /** Calls `listener` after each `invalidate`; returns the function that removes it. */
  onInvalidate(listener: InvalidateListener): () => void;
}

/**
 * Told that the client dropped a bank token: `accessToken` is the one a server rejected, or
 * undefined when `invalidate()` dropped them all.
 */
export type InvalidateListener = (event: { accessToken: string | undefined }) => void;

export interface CustomerTokens {
  /** Cached per customer and scope set (order does not matter). */
  get(request: CustomerTokenRequest): Promise<CustomerToken>;
  /** Always a new token; the cache is left alone. */
  create(request: CustomerTokenRequest): Promise<CustomerToken>;
  /** Drops the customer token `staleToken` where it is cached; without it, every one. */
  invalidate(staleToken?: string): void;
}

/**
 * A cache key for a list of scopes ("" for none): order does not matter, but every entry and
 * their number do. A list the spec refuses (a scope listed twice, two scopes in one string)
 * must never find the slot of a valid one, which would serve it unchecked: keyed apart, it
 * gets a slot of its own, whose check refuses it every time.
 */
const scopeKey = (scopes: readonly string[] | undefined) =>
  scopes ? `${scopes.length}|${[...scopes].sort().join(" ")}` : "";

/**
 * A slot's scopes in the shared store's key: its key without the count. Only a checked list
 * gets a slot, and two checked lists whose scopes join alike ask for the same token.
 */
const storeName = (key: string) => key.slice(key.indexOf("|") + 1);

export function createTokenCache(
  engine: Engine,
  clientSecret: string,
  shared?: SharedStore,
): { bank: BankTokens; customers: CustomerTokens } {
  const { options, logger } = engine;
  const { hooks } = options;
  const bankRequest = bankTokenRequest(engine, clientSecret);
  /** A fetch starting now: its one `deadline`, for the store wait and the requests alike. */
  const callFromNow = (background: boolean): FetchCall => ({
    background,
    deadlineAt: monotonicNow() + options.retry.deadline,
  });
  const slots: SlotContext = {
    logger,
    hooks,
    shared,
    callFromNow,
    deadline: options.retry.deadline,
  };

  // Bank tokens. A scope set's request is checked as its slot is made (bankRequest), once: the
  // hot path stays a Map lookup. The slot of the client's own scopes is apart, never evicted.
  const bankSlots = new Map<string, TokenSlot<AccessToken>>();
  const newBankSlot = (key: string, scopes: readonly string[] | undefined) =>
    createTokenSlot(slots, "bank", [options.tokenPath, storeName(key)], bankRequest(scopes));
  const defaultKey = scopeKey(options.scopes);
  let defaultSlot: TokenSlot<AccessToken> | undefined;

  function bankSlot(scopes: readonly string[] | undefined): TokenSlot<AccessToken> {
    const key = scopeKey(scopes);
    if (scopes === undefined || key === defaultKey)
      return (defaultSlot ??= newBankSlot(defaultKey, options.scopes));
    return lruGet(bankSlots, key, options.bankTokenCacheSize, () => newBankSlot(key, scopes));
  }

  /** Whoever keeps a bank token of its own (the bank-SDK bridge) hears of every drop. */
  const invalidateListeners = new Set<InvalidateListener>();
  const bank: BankTokens = {
    get: (scopes, signal) => bankSlot(scopes).get(signal),
    invalidate(staleToken) {
      // The store may still hold that token: it must not come back from there.
      shared?.reject(staleToken);
      defaultSlot?.invalidate(staleToken);
      for (const slot of bankSlots.values()) slot.invalidate(staleToken);
      for (const listener of invalidateListeners) {
        try {
          listener({ accessToken: staleToken });
        } catch (error) {
          logger.log("warn", `an onInvalidate listener failed (${failureReason(error)}); ignored`);
        }
      }
    },
    onInvalidate(listener) {
      invalidateListeners.add(listener);
      return () => void invalidateListeners.delete(listener);
    },
  };

  const customerRequest = customerTokenRequest(engine, bank);
  const customerSlots = new Map<string, TokenSlot<CustomerToken>>();

  return {
    bank,
    customers: {
      get(request) {
        const { customerGuid } = request;
        const key = scopeKey(request.scopes);
        const slot = lruGet(
          customerSlots,
          `${customerGuid}|${key}`,
          options.customerTokenCacheSize,
          () =>
            createTokenSlot(
              slots,
              "customer",
              [customerGuid, storeName(key)],
              customerRequest(request),
              customerGuid,
            ),
        );
        return slot.get(request.signal);
      },
      async create(request) {
        const fetch = customerRequest(request);
        return (await fetch({ ...callFromNow(false), signal: request.signal })).value;
      },
      invalidate(staleToken) {
        if (staleToken === undefined) customerSlots.clear();
        else for (const slot of customerSlots.values()) slot.invalidate(staleToken);
      },
    },
  };
}
