/**
 * The customer-token request of one client. A customer token is minted with a bank token,
 * which comes from the client's own bank tokens (`bank`: the cache, a request of its own with
 * its own single flight), then goes out as a token request (token-requests.ts).
 */
import { newBankTokenCodes } from "../../generated/error-codes.js";
import { AuthenticationError, TimeoutError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";
import type { Engine } from "../pipeline/idp-pipeline.js";
import { monotonicNow, within } from "../retry/timers.js";
import type { FetchCall, IssuedToken } from "./issued-token.js";
import {
  customerTokenBody,
  requestCustomerToken,
  type AccessToken,
  type CustomerToken,
  type CustomerTokenRequest,
} from "./token-requests.js";

/** What the mint needs of the client's bank tokens. */
export interface BankTokenSource {
  get(scopes?: undefined, signal?: AbortSignal): Promise<AccessToken>;
  invalidate(staleToken: string): void;
}

/** A customer token's fetch; `signal` is its caller's, when it has one caller. */
export type CustomerTokenFetcher = (
  call: FetchCall & { signal?: AbortSignal | undefined },
) => Promise<IssuedToken<CustomerToken>>;

/**
 * The customer-token requests of one client: per customer and scope set, the body checked
 * against the spec (once, as the cache makes its slot), and the fetch that mints it.
 *
 * The spec marks the 401s a new bank token fixes (an expired, re-signed or foreign bank token):
 * that bank token is dropped and the mint tried once more with a new one. Other 401s (wrong
 * subject, malformed header) would fail again. The fetch's one deadline (`call.deadlineAt`,
 * fixed when it started, before any wait on the store) bounds it all: the waits for the bank
 * token and each request (the callers who join this fetch share it).
 */
export function customerTokenRequest(engine: Engine, bank: BankTokenSource) {
  return (request: CustomerTokenRequest): CustomerTokenFetcher => {
    const body = customerTokenBody(request);
    return async (call) => {
      const { background, signal } = call;
      /**
       * The bank token, or TimeoutError `deadline_exceeded` when it is not there by the
       * deadline (its fetch goes on for its other callers). Its timer goes with the wait.
       */
      async function bankToken(attempts: number) {
        // First: a request the spec refuses throws here, before there is a timer to reject.
        const token = bank.get(undefined, signal);
        const late = () =>
          new TimeoutError(`POST /api/customer_tokens: no bank token before the deadline`, {
            code: ERROR_CODES.DEADLINE_EXCEEDED,
            attempts,
          });
        const left = call.deadlineAt - monotonicNow();
        return (await within(token, left, late, background)).accessToken;
      }
      const accessToken = await bankToken(0);
      try {
        return await requestCustomerToken(engine, accessToken, body, call);
      } catch (error) {
        if (!(error instanceof AuthenticationError) || !newBankTokenCodes.includes(error.code))
          throw error;
        engine.logger.log("info", `bank token rejected (${error.message}); minting with a new one`);
        bank.invalidate(accessToken);
        return requestCustomerToken(engine, await bankToken(error.attempts), body, call);
      }
    };
  };
}
