/**
 * `cybrid.middleware`: an openapi-fetch Middleware that authenticates any other openapi-fetch
 * client (e.g. Cybrid's bank API) with the bank token, and on a 401 drops that token, gets a
 * new one and replays the request once. A 403 is passed through: it is a missing scope or a
 * rate limit, and a new token fixes neither. The token goes only to the client's API origins:
 * for any other, `onRequest` throws and openapi-fetch rejects the call without sending it.
 *
 * Both hooks are synchronous on the common path (a cached token, a non-401 answer): openapi-fetch
 * awaits whatever they return on every request.
 */
import type { Middleware } from "openapi-fetch";
import type { AccessToken, BankTokens } from "../token/token-cache.js";
import type { OriginGuard } from "./api-origins.js";
import { bearerHeaderCache } from "./bearer-header.js";
import { tokenAfter401 } from "./token-after-401.js";

const BEARER_PREFIX = "Bearer ".length;

const WHO = "cybrid.middleware";

export function createAuthMiddleware(bank: BankTokens, allow: OriginGuard): Middleware {
  const bearer = bearerHeaderCache();
  /** Copies of requests with a body, taken before it is consumed, for a replay. */
  const bodies = new WeakMap<Request, Request>();

  function authorize(request: Request, token: AccessToken): undefined {
    request.headers.set("authorization", bearer(token));
    if (request.body !== null) bodies.set(request, request.clone());
    return undefined;
  }

  async function replayAfter401(request: Request, response: Response, send: typeof fetch) {
    const fresh = await tokenAfter401(
      bank,
      request.headers.get("authorization")?.slice(BEARER_PREFIX),
      request.signal,
    );
    if (fresh === undefined) return undefined;
    await response.body?.cancel();
    const replay = bodies.get(request) ?? new Request(request);
    bodies.delete(request);
    replay.headers.set("authorization", bearer(fresh));
    return send(replay);
  }

  return {
    async onRequest({ request }) {
      allow(request.url, WHO);
      // The call's signal (openapi-fetch puts it on the Request) also stops the wait for a token.
      return authorize(request, await bank.get(undefined, request.signal));
    },
    onResponse({ request, response, options }) {
      if (response.status !== 401) return undefined;
      return replayAfter401(request, response, options.fetch);
    },
  };
}
