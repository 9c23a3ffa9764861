/** What cybrid.fetch and cybrid.middleware do alike when the server rejects their token. */
import type { AccessToken, BankTokens } from "../token/token-cache.js";

/**
 * The token to replay a request with after the server answered 401 to `sentToken`: that token
 * is dropped (only if it is still the cached one) and a new one is fetched, shared with every
 * other request that got the same 401. Undefined when the new token is the same one: a replay
 * would fail again. `signal` (the caller's) stops the wait for the new token.
 */
export async function tokenAfter401(
  bank: Pick<BankTokens, "invalidate" | "get">,
  sentToken: string | undefined,
  signal?: AbortSignal,
): Promise<AccessToken | undefined> {
  // No token was sent (another middleware removed it): nothing to drop; replay with ours.
  if (sentToken !== undefined) bank.invalidate(sentToken);
  const fresh = await bank.get(undefined, signal);
  return fresh.accessToken === sentToken ? undefined : fresh;
}
