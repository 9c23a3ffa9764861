/**
 * `cybrid.fetch`: fetch with the bank token in the Authorization header and the per-attempt
 * timeout applied. On a 401 it drops that token, gets a new one and replays the request once,
 * when the body can be sent again. It does not retry anything else: a resource call may not
 * be idempotent, and the caller knows that better than we do.
 */
import type { BankTokens } from "../token/bank-tokens.js";

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
  return async function authenticatedFetch(input: RequestInfo | URL, init?: RequestInit) {
    const token = await bank.get();
    const headers = new Headers(
      init?.headers ?? (input instanceof Request ? input.headers : undefined),
    );
    headers.set("authorization", `Bearer ${token.accessToken}`);
    const response = await baseFetch(input, {
      ...init,
      headers,
      signal: timeoutSignal(timeout, init?.signal),
    });
    if (response.status !== 401 || !isReplayable(input, init)) return response;
    bank.invalidate(token.accessToken);
    const fresh = await bank.get();
    if (fresh.accessToken === token.accessToken) return response;
    await response.body?.cancel();
    headers.set("authorization", `Bearer ${fresh.accessToken}`);
    return baseFetch(input, { ...init, headers, signal: timeoutSignal(timeout, init?.signal) });
  };
}
