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
 * `onResponse` is synchronous on the common path (a non-401 answer): openapi-fetch awaits
 * whatever it returns on every request.
 */
import type { Middleware } from "openapi-fetch";
import type { BankTokens } from "../token/token-cache.js";
import type { OriginGuard } from "../config/api-origins.js";
import { answeredWithToken, bearerHeaderCache, tokenAfter401 } from "./bearer-token.js";
import { ValidationError } from "../errors/cybrid-id-error.js";
import { ERROR_CODES } from "../errors/error-codes.js";

const WHO = "cybrid.middleware";

export function createAuthMiddleware(bank: BankTokens, allow: OriginGuard): Middleware {
  const bearer = bearerHeaderCache();
  /** Copies of requests with a body, taken before it is consumed, for a replay. */
  const bodies = new WeakMap<Request, Request>();
  /** The requests whose origin `onRequest` checked (a later middleware may replace them). */
  const checked = new WeakSet<Request>();

  /** Throws when a request another middleware made in place of a checked one went elsewhere. */
  async function checkSentElsewhere(request: Request, response: Response) {
    try {
      allow(request.url, WHO);
    } catch (refused) {
      await response.body?.cancel();
      throw new ValidationError(
        `${WHO}: a middleware after it sent the request, with the bank token, to another origin (use cybrid.middleware last)`,
        (refused as ValidationError).issues,
        ERROR_CODES.ORIGIN_NOT_ALLOWED,
      );
    }
  }

  async function replayAfter401(request: Request, response: Response, send: typeof fetch) {
    const sent = request.headers.get("authorization")?.slice("Bearer ".length);
    const fresh = await tokenAfter401(bank, sent, response, request.signal);
    if (fresh === undefined) return undefined;
    const replay = bodies.get(request) ?? new Request(request);
    bodies.delete(request);
    replay.headers.set("authorization", bearer(fresh));
    return send(replay);
  }

  return {
    async onRequest({ request }) {
      allow(request.url, WHO);
      // The call's signal (openapi-fetch puts it on the Request) also stops the wait for a token.
      const token = await bank.get(undefined, request.signal);
      request.headers.set("authorization", bearer(token));
      if (request.body !== null) bodies.set(request, request.clone());
      checked.add(request);
      return undefined;
    },
    onResponse({ request, response, options }) {
      const replay = () =>
        response.status === 401 && answeredWithToken(response, request.url)
          ? replayAfter401(request, response, options.fetch)
          : undefined;
      // A request onRequest did not see was made by a later middleware: its origin first.
      return checked.has(request) ? replay() : checkSentElsewhere(request, response).then(replay);
    },
  };
}
