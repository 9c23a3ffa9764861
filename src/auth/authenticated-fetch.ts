/**
 * `cybrid.fetch`: fetch with the bank token in the Authorization header and the per-attempt
 * timeout applied. It sends the token only to the client's API origins (see api-origins.ts).
 * On a 401 it drops that token, gets a new one and replays the request once, when the body can
 * be sent again. It does not retry anything else: a resource call may not be idempotent, and
 * the caller knows that better than we do.
 *
 * The cached-token path is written without `async` and without a Headers object when the
 * caller gave none: it runs on every request, and benchmarks hold it to 1.05x a hand-written
 * fetch with a fixed header and AbortSignal.timeout.
 */
import { redactError } from "../errors/redact-error.js";
import type { Redactor } from "../log/redactor.js";
import { transportError } from "../retry/attempt-loop.js";
import type { AccessToken, BankTokens } from "../token/token-cache.js";
import { urlOf, type OriginGuard } from "./api-origins.js";
import { bearerHeaderCache } from "./bearer-header.js";
import { tokenAfter401 } from "./token-after-401.js";

const WHO = "cybrid.fetch";

/** The caller's signal, as fetch picks it: `init.signal` when given (even null), else the Request's. */
function callerSignal(input: RequestInfo | URL, init: RequestInit | undefined) {
  const signal =
    init?.signal !== undefined ? init.signal : input instanceof Request ? input.signal : undefined;
  return signal ?? undefined;
}

/**
 * What a failed resource request rejects with: the caller's own abort reason as is (as fetch
 * does); else TimeoutError `timeout` when our timer fired, or ConnectionError
 * `connection_failed`, the original error kept as `cause`. The message names the origin only.
 */
export function fetchFailure(
  input: RequestInfo | URL,
  thrown: unknown,
  timer: AbortSignal,
  signal: AbortSignal | undefined,
  redactor: Redactor,
): unknown {
  if (signal?.aborted) return signal.reason;
  const operation = `${WHO} to ${new URL(urlOf(input)).origin}`;
  // The cause is what the transport threw: a custom fetch may quote the request (the token).
  return redactError(transportError(operation, thrown, timer.aborted, false), redactor);
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
  allow: OriginGuard,
  redactor: Redactor,
): typeof fetch {
  const bearer = bearerHeaderCache();

  /**
   * One request with the token and the timeout; `then` gets its response. A network failure
   * becomes a typed error (fetchFailure) in the same `then`: no extra promise per request.
   */
  function send(
    token: AccessToken,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    signal: AbortSignal | undefined,
    then: (response: Response) => Response | Promise<Response>,
  ): Promise<Response> {
    const authorization = bearer(token);
    const given = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    let headers: HeadersInit = { authorization };
    if (given !== undefined) {
      const merged = new Headers(given);
      merged.set("authorization", authorization);
      headers = merged;
    }
    const timer = AbortSignal.timeout(timeout);
    return baseFetch(input, {
      ...init,
      headers,
      signal: signal ? AbortSignal.any([signal, timer]) : timer,
    }).then(then, (thrown: unknown) => {
      throw fetchFailure(input, thrown, timer, signal, redactor);
    });
  }

  async function replayAfter401(
    token: AccessToken,
    response: Response,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const fresh = await tokenAfter401(bank, token.accessToken, signal);
    if (fresh === undefined) return response;
    await response.body?.cancel();
    return send(fresh, input, init, signal, (replayed) => replayed);
  }

  function sendOnce(
    token: AccessToken,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    signal: AbortSignal | undefined,
  ) {
    return send(token, input, init, signal, (response) =>
      response.status === 401 && isReplayable(input, init)
        ? replayAfter401(token, response, input, init, signal)
        : response,
    );
  }

  return async function authenticatedFetch(input: RequestInfo | URL, init?: RequestInit) {
    // Before a token is even asked for: a refused origin costs no token request.
    allow(input, WHO);
    const signal = callerSignal(input, init);
    return sendOnce(await bank.get(undefined, signal), input, init, signal);
  };
}
