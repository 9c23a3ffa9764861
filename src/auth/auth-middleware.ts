/**
 * `cybrid.middleware`: an openapi-fetch Middleware that authenticates any other openapi-fetch
 * client (e.g. Cybrid's bank API) with the bank token, and on a 401 drops that token, gets a
 * new one and replays the request once. A 403 is passed through: it is a missing scope or a
 * rate limit, and a new token fixes neither.
 */
import type { Middleware } from "openapi-fetch";
import type { BankTokens } from "../token/bank-tokens.js";

interface Sent {
  token: string;
  /** A copy taken before the body was consumed, for the replay (none when there is no body). */
  replay: Request | undefined;
}

export function createAuthMiddleware(bank: BankTokens): Middleware {
  const sent = new WeakMap<Request, Sent>();
  return {
    async onRequest({ request }) {
      const token = await bank.get();
      request.headers.set("authorization", `Bearer ${token.accessToken}`);
      sent.set(request, {
        token: token.accessToken,
        replay: request.body ? request.clone() : undefined,
      });
      return request;
    },
    async onResponse({ request, response, options }) {
      if (response.status !== 401) return undefined;
      const entry = sent.get(request);
      if (entry === undefined) return undefined;
      sent.delete(request);
      bank.invalidate(entry.token);
      const fresh = await bank.get();
      if (fresh.accessToken === entry.token) return undefined;
      await response.body?.cancel();
      const replay = entry.replay ?? new Request(request);
      replay.headers.set("authorization", `Bearer ${fresh.accessToken}`);
      return options.fetch(replay);
    },
  };
}
