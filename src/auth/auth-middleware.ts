/**
 * `cybrid.middleware`: an openapi-fetch Middleware that authenticates any other openapi-fetch
 * client (e.g. Cybrid's bank API) with the bank token, and on a 401 drops that token, gets a
 * new one and replays the request once. A 403 is passed through: it is a missing scope or a
 * rate limit, and a new token fixes neither. The token goes only to the client's API origins:
 * for any other, `onRequest` throws and openapi-fetch rejects the call without sending it. A
 * middleware used after this one sees the token on the request and may send it elsewhere (a
 * `new Request(otherUrl, request)`); openapi-fetch has no hook after the last middleware, so
 * that is found in `onResponse` only: the call rejects (`origin_not_allowed`, saying so), and
 * nothing is replayed there.
 *
 * Redirects: with the runtime's own fetch they are left to it (redirects.ts). With any other
 * fetch (the openapi-fetch client's `fetch` option) they are followed here, each hop through the
 * origin guard. openapi-fetch builds the Request in "follow" mode (unless its caller chose
 * another), and a Request's mode cannot change: `onRequest` returns a copy in "manual" mode.
 * That is the one way openapi-fetch 0.17 leaves a middleware (its options are frozen, the second
 * argument of its fetch is the client's `requestInitExt`, and a Response returned from
 * `onRequest` would skip every middleware's `onResponse`). The copy costs a Request construction
 * (about 10 us in Node 20, its signal following the original's), which is why the runtime's own
 * fetch, which needs none, is left to follow. The hops (and a replay) go through the same fetch,
 * `options.fetch`.
 *
 * What the client's fetch throws reaches the caller through `onError` as ConnectionError
 * `connection_failed` with a redacted cause, as from cybrid.fetch: a fetch wrapper may quote
 * the request, the token included, in its message, and openapi-fetch would hand that on as it
 * is. The caller's own abort rejects with its reason. Our own sends (a replay, a hop) fail the
 * same way.
 *
 * `onResponse` is synchronous on the common path (a non-401 answer that is not a followed
 * redirect): openapi-fetch awaits whatever it returns on every request.
 */
import type { Middleware } from "openapi-fetch";
import type { BankTokens } from "../token/token-cache.js";
import type { OriginGuard } from "../config/api-origins.js";
import type { Redactor } from "../log/redactor.js";
import {
  answeredWithToken,
  bearerHeaderCache,
  discardBody,
  sendFailure,
  settle,
  tokenAfter401,
} from "./bearer-token.js";
import {
  fetchFollowsRedirects,
  followRedirects,
  isFollowedRedirect,
  withoutBodyHeaders,
} from "./redirects.js";
import { ValidationError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";

const WHO = "cybrid.middleware";

export function createAuthMiddleware(
  bank: BankTokens,
  allow: OriginGuard,
  redactor: Redactor,
): Middleware {
  const bearer = bearerHeaderCache();
  /** Copies of requests with a body, taken before it is consumed: a replay or a 307/308 sends it. */
  const bodies = new WeakMap<Request, Request>();
  /**
   * The requests `onRequest` passed on (a later middleware may replace them), each with whether
   * we follow its redirects (we sent it in "manual" mode).
   */
  const checked = new WeakMap<Request, boolean>();
  /**
   * The calls (openapi-fetch 0.17's `options`, made for each call) whose request we made
   * "manual": a later middleware's `new Request(request, ...)` in its place is "manual" too.
   */
  const following = new WeakSet<object>();

  /** What the fetch threw for `request`, as the caller gets it (see `sendFailure`). */
  const failure = (request: Request, thrown: unknown) =>
    sendFailure(WHO, request.url, thrown, request.signal, false, redactor);

  /** Sends a request of ours (a replay, a hop) with the client's fetch, failing as onError. */
  function resend(request: Request, send: typeof fetch): Promise<Response> {
    return settle(() => send(request)).catch((thrown: unknown) => {
      throw failure(request, thrown);
    });
  }

  /** `response` to `sent` (the request, or its replay) with its redirects followed. */
  function follow(sent: Request, response: Response, send: typeof fetch, copy?: Request) {
    // No copy of a body: a later middleware's request, whose body the fetch read.
    const body = copy ? "resendable" : sent.body === null ? "none" : "streamed";
    const first = { url: sent.url, method: sent.method, body } as const;
    return followRedirects(response, first, allow.allows, async ({ url, method, withBody }) => {
      const hop = new Request(url, {
        method,
        headers: withBody ? sent.headers : withoutBodyHeaders(sent.headers),
        // Read from a clone: the copy stays whole for the next hop or a replay.
        body: withBody && copy ? await copy.clone().arrayBuffer() : null,
        signal: sent.signal,
        redirect: "manual",
      });
      return resend(hop, send);
    });
  }

  /** Throws when a request another middleware made in place of a checked one went elsewhere. */
  async function checkSentElsewhere(request: Request, response: Response) {
    try {
      allow(request.url, WHO);
    } catch (refused) {
      discardBody(response);
      throw new ValidationError(
        `${WHO}: a middleware after it sent the request, with the bank token, to another origin (use cybrid.middleware last)`,
        (refused as ValidationError).issues,
        ERROR_CODES.ORIGIN_NOT_ALLOWED,
      );
    }
  }

  async function replayAfter401(
    request: Request,
    response: Response,
    send: typeof fetch,
    follows: boolean,
  ): Promise<Response> {
    const sent = request.headers.get("authorization")?.slice("Bearer ".length);
    const copy = bodies.get(request);
    // A later middleware's request with a body, which the fetch read: it cannot be sent again
    // (as a stream in cybrid.fetch), but the token is dropped all the same.
    if (copy === undefined && request.body !== null) {
      if (sent !== undefined) bank.invalidate(sent);
      return response;
    }
    const fresh = await tokenAfter401(bank, sent, response, request.signal);
    if (fresh === undefined) return response;
    // A clone (of the copy, for a body): the copy stays whole for a 307/308 after the replay.
    const replay = (copy ?? request).clone();
    replay.headers.set("authorization", bearer(fresh));
    const answer = await resend(replay, send);
    return follows && isFollowedRedirect(answer.status)
      ? follow(replay, answer, send, copy)
      : answer;
  }

  /** The replay after a 401 that the token got, or undefined: `response` stands. */
  function after401(request: Request, response: Response, send: typeof fetch, follows: boolean) {
    return response.status === 401 && answeredWithToken(response, request.url)
      ? replayAfter401(request, response, send, follows)
      : undefined;
  }

  /** `response` with its redirects followed (when `follows`), then the replay after a 401. */
  function answer(request: Request, response: Response, send: typeof fetch, follows: boolean) {
    if (follows && isFollowedRedirect(response.status))
      return follow(request, response, send, bodies.get(request)).then(
        (followed) => after401(request, followed, send, true) ?? followed,
      );
    return after401(request, response, send, follows);
  }

  return {
    async onRequest({ request, options }) {
      allow(request.url, WHO);
      // The call's signal (openapi-fetch puts it on the Request) also stops the wait for a token.
      const token = await bank.get(undefined, request.signal);
      const follows = request.redirect === "follow" && !fetchFollowsRedirects(options.fetch);
      const sent = follows ? new Request(request, { redirect: "manual" }) : request;
      sent.headers.set("authorization", bearer(token));
      if (sent.body !== null) bodies.set(sent, sent.clone());
      checked.set(sent, follows);
      if (follows) following.add(options);
      return follows ? sent : undefined;
    },
    onResponse({ request, response, options }) {
      const follows = checked.get(request);
      // A request onRequest did not see was made by a later middleware: its origin first.
      if (follows === undefined) {
        const manual = following.has(options) && request.redirect === "manual";
        return checkSentElsewhere(request, response).then(() =>
          answer(request, response, options.fetch, manual),
        );
      }
      return answer(request, response, options.fetch, follows);
    },
    onError({ request, error }) {
      const failed = failure(request, error);
      // onError may return an Error only: a reason that is none (`abort("why")`) is thrown.
      if (failed instanceof Error) return failed;
      throw failed;
    },
  };
}
