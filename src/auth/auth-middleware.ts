/**
 * `cybrid.middleware`: an openapi-fetch Middleware that authenticates any other openapi-fetch
 * client (e.g. Cybrid's bank API) with the bank token, and on a 401 drops that token, gets a
 * new one and replays the request once. A 403 is passed through: it is a missing scope or a
 * rate limit, and a new token fixes neither. The token goes only to the client's API origins:
 * for any other, `onRequest` throws and openapi-fetch rejects the call without sending it.
 *
 * `onResponse` is synchronous on the common path (a non-401 answer): openapi-fetch awaits
 * whatever it returns on every request.
 */
import type { Middleware } from "openapi-fetch";
import type { BankTokens } from "../token/token-cache.js";
import type { OriginGuard } from "../config/api-origins.js";
import { bearerHeaderCache, tokenAfter401 } from "./bearer-token.js";

const WHO = "cybrid.middleware";

export function createAuthMiddleware(bank: BankTokens, allow: OriginGuard): Middleware {
  const bearer = bearerHeaderCache();
  /** Copies of requests with a body, taken before it is consumed, for a replay. */
  const bodies = new WeakMap<Request, Request>();

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
      return undefined;
    },
    onResponse({ request, response, options }) {
      if (response.status !== 401) return undefined;
      return replayAfter401(request, response, options.fetch);
    },
  };
}
