/**
 * `cybrid.fetch`: fetch with the bank token in the Authorization header and the per-attempt
 * timeout applied. On a 401 it drops that token, gets a new one and replays the request once,
 * when the body can be sent again. It does not retry anything else: a resource call may not
 * be idempotent, and the caller knows that better than we do.
 *
 * The cached-token path is written without `async` and without a Headers object when the
 * caller gave none: it runs on every request, and benchmarks hold it to 1.05x a hand-written
 * fetch with a fixed header and AbortSignal.timeout.
 */
import type { AccessToken, BankTokens } from "../token/bank-tokens.js";
import { bearerHeaderCache } from "./bearer-header.js";
import { tokenAfter401 } from "./token-after-401.js";

function timeoutSignal(timeout: number, signal: AbortSignal | null | undefined): AbortSignal {
  const timer = AbortSignal.timeout(timeout);
  return signal ? AbortSignal.any([signal, timer]) : timer;
}

/** A body that can be sent twice (a stream cannot). */
function isReplayable(input: RequestInfo | URL, init: RequestInit | undefined): boolean {
  if (input instanceof Request && input.body !== null && init?.body === undefined) return false;
  const body = init?.body;
  return body === undefined || body === null || !(body instanceof ReadableStream);
}

export function createAuthenticatedFetch(
  bank: BankTokens,
  baseFetch: typeof fetch,
  timeout: number,
): typeof fetch {
  const bearer = bearerHeaderCache();

  function send(token: AccessToken, input: RequestInfo | URL, init: RequestInit | undefined) {
    const authorization = bearer(token);
    const given = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    let headers: HeadersInit = { authorization };
    if (given !== undefined) {
      const merged = new Headers(given);
      merged.set("authorization", authorization);
      headers = merged;
    }
    return baseFetch(input, { ...init, headers, signal: timeoutSignal(timeout, init?.signal) });
  }

  async function replayAfter401(
    token: AccessToken,
    response: Response,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
  ): Promise<Response> {
    const fresh = await tokenAfter401(bank, token.accessToken);
    if (fresh === undefined) return response;
    await response.body?.cancel();
    return send(fresh, input, init);
  }

  function sendOnce(token: AccessToken, input: RequestInfo | URL, init: RequestInit | undefined) {
    return send(token, input, init).then((response) =>
      response.status === 401 && isReplayable(input, init)
        ? replayAfter401(token, response, input, init)
        : response,
    );
  }

  return function authenticatedFetch(input: RequestInfo | URL, init?: RequestInit) {
    try {
      const token = bank.get();
      return token instanceof Promise
        ? token.then((resolved) => sendOnce(resolved, input, init))
        : sendOnce(token, input, init);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
