/**
 * createCybridId: the options checked, the engine wired, the public calls. A cold `getToken()`
 * reads top to bottom, each hop once (README, "Inside: one call, top to bottom"):
 *
 *   client.ts                  getToken: the call's arguments checked (validation/)
 *   token/token-cache.ts       the scope set's slot, made on first use with its request from
 *                              token-requests.ts (the body checked against the spec, once per
 *                              scope set). Fresh? served. Else join or start its one fetch
 *                              (the slot: token-slot.ts; through store/shared-store.ts when
 *                              there is a store)
 *   token/token-requests.ts    fetchToken: the request sent; the answer checked, turned into
 *                              a token
 *   pipeline/idp-pipeline.ts   sendToIdp: pace, attempt, classify, one retry decision, wait
 *                              (Retry-After or backoff, within the deadline), or a typed error
 *   openapi-fetch -> fetch
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { paths } from "../generated/openapi.js";
import { apiOriginGuard } from "./config/api-origins.js";
import { createAuthMiddleware } from "./auth/auth-middleware.js";
import { createAuthenticatedFetch } from "./auth/authenticated-fetch.js";
import { storeNamespace } from "./auth/credential-tag.js";
import { createLogger } from "./log/logger.js";
import { createRedactor } from "./log/redactor.js";
import { guardHooks } from "./config/hooks.js";
import { createTrafficControl } from "./pacing/traffic-control.js";
import { resolveOptions, type CybridIdOptions, type Scope } from "./config/options.js";
import { createSharedStore } from "./store/shared-store.js";
import { basicCredentials } from "./token/basic-credentials.js";
import {
  createTokenCache,
  type AccessToken,
  type CustomerToken,
  type CustomerTokenRequest,
  type InvalidateListener,
} from "./token/token-cache.js";
import {
  checkCustomerTokenInput,
  checkGetTokenInput,
  checkListener,
  tokenToDrop,
} from "./validation/call-input.js";

/** Per-call options of `getToken`. */
export interface GetTokenOptions {
  /**
   * Scopes for this call, one scope an entry; omitted, the client's `scopes` option. Each scope
   * set is cached apart.
   */
  scopes?: readonly Scope[];
  /** Stops waiting for a token (a shared request goes on for other callers). */
  signal?: AbortSignal;
}

export interface CybridId {
  /** A client-credentials token, from cache while it is usable (refreshed ahead of expiry). */
  getToken(options?: GetTokenOptions): Promise<AccessToken>;
  /** A customer token, cached per customer and scope set. */
  getCustomerToken(request: CustomerTokenRequest): Promise<CustomerToken>;
  /** A new customer token, always (the cache is neither read nor written). */
  createCustomerToken(request: CustomerTokenRequest): Promise<CustomerToken>;
  /**
   * Drops cached tokens; the next call fetches new ones.
   *
   * Given the token a server rejected with a 401 (bare, or as the `Authorization` value that
   * carried it: `Bearer <token>`), drops that token only, and only where it is still the
   * cached one: other tokens stay, and the 401s of many calls sent with one token cost one new
   * token, however they are spread over its fetch. A token already replaced is left alone.
   *
   * Without one, drops every cached token, and fences off the requests under way: their tokens
   * go to the callers that were waiting for them, never into the cache.
   */
  invalidate(accessToken?: string): void;
  /**
   * Calls `listener` each time the client drops a bank token, for code that keeps one of its
   * own (as `cybrid-id/bank-sdk` does): after `invalidate()` (`accessToken` undefined: all of
   * them), and after a server rejected one with a 401 through `cybrid.fetch`,
   * `cybrid.middleware` or the customer-token mint (`accessToken`: that token). It runs
   * synchronously, in the call that dropped the token; a listener that throws is logged (warn)
   * and ignored. Returns the function that removes the listener.
   */
  onInvalidate(listener: InvalidateListener): () => void;
  /**
   * openapi-fetch Middleware adding the bank token to another openapi-fetch client, with one
   * replay after a 401. Only for the client's API origins (`apiOrigins`): any other origin
   * rejects the call, unsent, with ValidationError `origin_not_allowed`. With a `fetch` of that
   * client's own (not the runtime's), it follows redirects itself: to API origins with the
   * token, any other redirect handed back as its 3xx response. What the fetch throws rejects the
   * call as ConnectionError `connection_failed`, its cause redacted; the caller's own abort with
   * its reason.
   */
  readonly middleware: Middleware;
  /**
   * fetch with the bank token, the per-attempt timeout, and one replay after a 401 with a new
   * token (unless the body is a stream, which cannot be sent twice: the 401 is returned, and the
   * token dropped all the same). Only for the client's API origins (`apiOrigins`): any other
   * origin, or a relative URL, rejects with ValidationError `origin_not_allowed` before anything
   * is sent. With a `fetch` option of your own (not the runtime's), it follows redirects itself:
   * to API origins with the token, any other redirect handed back as its 3xx response. Network
   * failures reject with ConnectionError `connection_failed` or TimeoutError `timeout`; the
   * caller's own abort with its reason.
   */
  readonly fetch: typeof fetch;
  /** The typed openapi-fetch client of the identity API itself. */
  readonly api: Client<paths>;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Creates a client. Configuration is checked here; nothing is sent until a token is asked for. */
export function createCybridId(options: CybridIdOptions = {}): CybridId {
  const { resolved, clientSecret } = resolveOptions(options);
  const redactor = createRedactor();
  redactor.addClientSecret(clientSecret, basicCredentials(resolved.clientId, clientSecret));
  const logger = createLogger(resolved.logLevel, resolved.logSink, (text) => redactor.redact(text));
  // Before anything holds a hook: every call site gets the guarded ones.
  resolved.hooks = guardHooks(resolved.hooks, logger);
  const api = createClient<paths>({ baseUrl: resolved.baseUrl, fetch: resolved.fetch });
  const traffic = createTrafficControl(
    resolved.pacing,
    resolved.retryBudget,
    logger,
    resolved.hooks.onPacingChanged,
  );
  const context = { api, options: resolved, logger, redactor, traffic };
  // With a shared store, fetches go through it (the fleet protocol, store/shared-store.ts);
  // without one, nothing of it is even created.
  const shared =
    resolved.store &&
    createSharedStore({
      ...resolved.store,
      namespace: storeNamespace(resolved.baseUrl, resolved.clientId, clientSecret),
      logger,
      redactor,
      hooks: resolved.hooks,
    });
  const { bank, customers } = createTokenCache(context, clientSecret, shared);
  const summary = { baseUrl: resolved.baseUrl, clientId: resolved.clientId };
  const allowOrigin = apiOriginGuard(resolved.apiOrigins);

  return {
    getToken(call) {
      // The slot's get is the one async layer; a bad argument still rejects, never throws.
      try {
        checkGetTokenInput(call);
        return bank.get(call?.scopes, call?.signal);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    // async: a bad argument rejects, like every other failure, rather than throwing.
    async getCustomerToken(request) {
      checkCustomerTokenInput(request);
      return customers.get(request);
    },
    async createCustomerToken(request) {
      checkCustomerTokenInput(request);
      return customers.create(request);
    },
    invalidate(accessToken) {
      const staleToken = tokenToDrop(accessToken);
      customers.invalidate(staleToken);
      bank.invalidate(staleToken);
    },
    onInvalidate(listener) {
      checkListener(listener);
      return bank.onInvalidate(listener);
    },
    middleware: createAuthMiddleware(bank, allowOrigin, redactor),
    fetch: createAuthenticatedFetch(
      bank,
      resolved.fetch,
      resolved.retry.timeout,
      allowOrigin,
      redactor,
    ),
    api,
    // What util.inspect and JSON.stringify show: never the secret or a token.
    toJSON: () => summary,
    [INSPECT]: () => `CybridId ${JSON.stringify(summary)}`,
  } as CybridId;
}
