/**
 * `cybrid.fetch`: fetch with the bank token in the Authorization header and the per-attempt
 * timeout applied. It sends the token only to the client's API origins (see api-origins.ts).
 * On a 401 it drops that token, gets a new one and replays the request once, when the body can
 * be sent again (a stream cannot: the 401 is returned, the token dropped all the same). It does
 * not retry anything else: a resource call may not be idempotent, and the caller knows that
 * better than we do. With a fetch other than the runtime's own, it follows redirects itself,
 * each hop through the origin guard (redirects.ts).
 *
 * The cached-token path is written without a Headers object when the caller gave none, and
 * with one promise of ours (the `then` of fetch's): it runs on every request, and benchmarks
 * hold it to 1.05x a hand-written fetch with a fixed header and AbortSignal.timeout.
 */
import type { Redactor } from "../log/redactor.js";
import type { AccessToken, BankTokens } from "../token/token-cache.js";
import { urlOf, type OriginGuard } from "../config/api-origins.js";
import { attemptSignal } from "../retry/timers.js";
import {
  answeredWithToken,
  bearerHeaderCache,
  sendFailure,
  settle,
  tokenAfter401,
} from "./bearer-token.js";
import {
  bodyKind,
  fetchFollowsRedirects,
  followRedirects,
  isFollowedRedirect,
  withoutBodyHeaders,
  type Hop,
} from "./redirects.js";

const WHO = "cybrid.fetch";

export function createAuthenticatedFetch(
  bank: BankTokens,
  baseFetch: typeof fetch,
  timeout: number,
  allow: OriginGuard,
  redactor: Redactor,
): typeof fetch {
  const bearer = bearerHeaderCache();
  // Decided once: the client's fetch does not change.
  const followsRedirects = !fetchFollowsRedirects(baseFetch);

  /**
   * One request with the token and the timeout, and its redirects to API origins (redirects.ts,
   * all within the one timeout); `then` (if any) gets the response. A failure rejects in the
   * same `then`: the caller's own abort with its reason (as fetch does); else TimeoutError
   * `timeout` when our timer fired, or ConnectionError `connection_failed`, the transport's
   * error as `cause`, redacted (a custom fetch may quote the request, the token). The message
   * names the origin only.
   */
  function send(
    token: AccessToken,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    signal: AbortSignal | undefined,
    then?: (response: Response) => Response | Promise<Response>,
  ): Promise<Response> {
    const authorization = bearer(token);
    const request = input instanceof Request ? input : undefined;
    const given = init?.headers ?? request?.headers;
    let headers: HeadersInit = { authorization };
    if (given !== undefined) {
      headers = new Headers(given);
      headers.set("authorization", authorization);
    }
    // Not released: the caller reads the body when it likes, and the timeout covers that too.
    const attempt = attemptSignal(signal, timeout);
    // The caller's mode, as fetch reads it: from `init`, else from the Request.
    const follows =
      followsRedirects && (init?.redirect ?? request?.redirect ?? "follow") === "follow";
    const sent = settle(() =>
      baseFetch(
        input,
        follows
          ? { ...init, headers, signal: attempt.signal, redirect: "manual" }
          : { ...init, headers, signal: attempt.signal },
      ),
    );
    const fail = (thrown: unknown) => {
      throw sendFailure(WHO, urlOf(input), thrown, signal, attempt.timedOut, redactor);
    };
    return sent.then((response) => {
      if (!(follows && isFollowedRedirect(response.status)))
        return then ? then(response) : response;
      const body = init?.body !== undefined ? init.body : request?.body;
      // A hop: the caller's init (its body too, when it goes along), our headers and signal.
      const hop = ({ url, method, withBody }: Hop) =>
        settle(() =>
          baseFetch(url, {
            ...init,
            method,
            headers: withBody ? headers : withoutBodyHeaders(headers),
            body: withBody ? body : null,
            signal: attempt.signal,
            redirect: "manual",
          }),
        );
      const method = init?.method ?? request?.method ?? "GET";
      const first = { url: urlOf(input), method, body: bodyKind(body) };
      return followRedirects(response, first, allow.allows, hop).then(then, fail);
    }, fail);
  }

  async function replayAfter401(
    token: AccessToken,
    response: Response,
    input: RequestInfo | URL,
    init: RequestInit | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const fresh = await tokenAfter401(bank, token.accessToken, response, signal);
    return fresh ? send(fresh, input, init, signal) : response;
  }

  return async function authenticatedFetch(given: RequestInfo | URL, init?: RequestInit) {
    // The URL as of now, checked and then sent (and replayed): a URL object (or anything with
    // a toString) read again after the wait for a token could name another origin by then. A
    // Request's url cannot change.
    const input = given instanceof Request ? given : urlOf(given);
    // Before a token is even asked for: a refused origin costs no token request.
    allow(input, WHO);
    // What fetch takes from `init` when given there (even null), else from the Request.
    const request = input instanceof Request ? input : undefined;
    const signal = (init?.signal !== undefined ? init.signal : request?.signal) ?? undefined;
    const token = await bank.get(undefined, signal);
    return send(token, input, init, signal, (response) => {
      if (response.status !== 401 || !answeredWithToken(response, urlOf(input))) return response;
      // A stream cannot be sent twice: such a request is not replayed, but the token the
      // server rejected is dropped all the same, so that the next call does not send it again.
      const body = init?.body !== undefined ? init.body : request?.body;
      if (bodyKind(body) !== "streamed")
        return replayAfter401(token, response, input, init, signal);
      bank.invalidate(token.accessToken);
      return response;
    });
  };
}
