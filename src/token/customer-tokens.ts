/**
 * Customer tokens: JWTs minted with the bank token for one customer and scope set. Cached per
 * (customer, scope set) in a bounded LRU, with the same refresh rules as bank tokens; the
 * lifetime is the JWT's own `exp`, since the response carries no `expires_in`.
 */
import { newBankTokenCodes } from "../../generated/error-codes.js";
import { AuthenticationError } from "../errors/cybrid-id-error.js";
import type { Scope } from "../options.js";
import type { SharedStore } from "../store/token-store.js";
import { validateCustomerTokenRequest } from "../validation/validate.js";
import type { BankTokens } from "./bank-tokens.js";
import { sendToIdp, type Engine } from "../pipeline/idp-pipeline.js";
import { LruMap } from "./lru-map.js";
import { scopeKey } from "./scope-key.js";
import type { IssuedToken } from "./issued-token.js";
import type { TokenSlot } from "./token-slot.js";
import { cachedTokenSlot, issueToken } from "./token-source.js";

export interface CustomerTokenRequest {
  /** The customer's guid (32 characters). */
  customerGuid: string;
  /** What the token may do; at least one, no duplicates. */
  scopes: readonly Scope[];
  /** Stops waiting (the shared request, if any, goes on for other callers). */
  signal?: AbortSignal;
}

/** A customer JWT. */
export interface CustomerToken {
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  readonly customerGuid: string;
  readonly scopes: readonly string[];
  /** From the JWT's `exp` claim. */
  readonly expiresAt: Date;
}

const PATH = "/api/customer_tokens";
const OPERATION = `POST ${PATH}`;

export function createCustomerTokens(context: Engine, bank: BankTokens, shared?: SharedStore) {
  const { options, logger } = context;
  const cache = new LruMap<string, TokenSlot<CustomerToken>>(options.customerTokenCacheSize);

  async function mintWith(
    bankToken: string,
    customerGuid: string,
    scopes: readonly string[],
    background: boolean,
    signal?: AbortSignal,
  ) {
    return sendToIdp(
      context,
      {
        operation: OPERATION,
        path: PATH,
        body: { customer_guid: customerGuid, scopes: [...scopes] },
        encoding: "json",
        authorization: `Bearer ${bankToken}`,
      },
      { background, signal },
    );
  }

  async function mint(
    customerGuid: string,
    scopes: readonly string[],
    background: boolean,
    signal?: AbortSignal,
  ): Promise<IssuedToken<CustomerToken>> {
    let bankToken = (await bank.get(undefined, signal)).accessToken;
    let result;
    try {
      result = await mintWith(bankToken, customerGuid, scopes, background, signal);
    } catch (error) {
      // The spec marks the 401s a new bank token fixes (an expired, re-signed or foreign bank
      // token): refresh it, once. Other 401s (wrong subject, malformed header) would fail again.
      if (!(error instanceof AuthenticationError) || !newBankTokenCodes.includes(error.code))
        throw error;
      logger.log(
        "info",
        `${OPERATION}: bank token rejected (${error.message}); refreshing it once`,
      );
      bank.invalidate(bankToken);
      bankToken = (await bank.refresh(undefined, signal)).accessToken;
      result = await mintWith(bankToken, customerGuid, scopes, background, signal);
    }
    const make = (token: string, expiresAt: Date) =>
      customerToken(token, customerGuid, scopes, expiresAt);
    return issueToken(context, "customer", OPERATION, result, make);
  }

  return {
    /** Cached per customer and scope set (order does not matter). */
    get(request: CustomerTokenRequest): Promise<CustomerToken> {
      const key = `${request.customerGuid}|${scopeKey(request.scopes)}`;
      let slot = cache.get(key);
      if (slot === undefined) {
        validateCustomerTokenRequest({
          customer_guid: request.customerGuid,
          scopes: request.scopes,
        });
        const { customerGuid } = request;
        const scopes = [...request.scopes];
        slot = cachedTokenSlot(
          context,
          shared,
          "customer",
          [customerGuid, scopeKey(scopes)],
          (background) => mint(customerGuid, scopes, background),
          (stored) =>
            customerToken(
              stored.token,
              customerGuid,
              scopes,
              new Date(stored.sentAt + stored.lifetimeMs),
            ),
        );
        cache.set(key, slot);
      }
      return slot.get(request.signal);
    },
    /** Always a new token; the cache is left alone. */
    async create(request: CustomerTokenRequest): Promise<CustomerToken> {
      validateCustomerTokenRequest({ customer_guid: request.customerGuid, scopes: request.scopes });
      return (await mint(request.customerGuid, request.scopes, false, request.signal)).value;
    },
    clear(): void {
      cache.clear();
    },
  };
}

function customerToken(
  token: string,
  customerGuid: string,
  scopes: readonly string[],
  expiresAt: Date,
): CustomerToken {
  return Object.freeze({
    accessToken: token,
    tokenType: "Bearer" as const,
    customerGuid,
    scopes: Object.freeze([...scopes]),
    expiresAt,
  });
}
