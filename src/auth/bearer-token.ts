/**
 * What cybrid.fetch and cybrid.middleware share: the Authorization header of the token in use,
 * what they do alike when the server rejects that token with a 401, and what a failed send
 * becomes.
 */
import { redactError } from "../errors/redact-error.js";
import { transportError } from "../errors/transport-error.js";
import type { Redactor } from "../log/redactor.js";
import type { AccessToken, BankTokens } from "../token/token-cache.js";

/**
 * `Bearer <token>` for the token in use, built once per token rather than once per request: the
 * string is long, and fetch validates every header value it is given.
 */
export function bearerHeaderCache(): (token: AccessToken) => string {
  let lastToken: AccessToken | undefined;
  let lastHeader = "";
  return (token) => {
    if (token !== lastToken) {
      lastToken = token;
      lastHeader = `Bearer ${token.accessToken}`;
    }
    return lastHeader;
  };
}

/**
 * Whether `response` comes from where the token was sent (`sentTo`, the request's URL): not
 * when fetch followed a redirect to another origin, to which it sends no Authorization header.
 * A 401 from there says nothing about the token; dropping it would let whoever can redirect a
 * request cost the client a token request per call. That happens where the platform follows
 * redirects (browsers, see redirects.ts); elsewhere we follow them, and every hop that we
 * follow carries the token, so its 401 is about the token (`redirected` stays false there).
 */
export function answeredWithToken(response: Response, sentTo: string): boolean {
  return !response.redirected || new URL(response.url).origin === new URL(sentTo).origin;
}

/**
 * The token to replay a request with after the server answered 401 to `sentToken`: that token
 * is dropped (only if it is still the cached one) and a new one is fetched, shared with every
 * other request that got the same 401. Undefined when the new token is the same one: a replay
 * would fail again. Before a replay, the 401's body is discarded (nobody will read it).
 * `signal` (the caller's) stops the wait for the new token.
 */
export async function tokenAfter401(
  bank: Pick<BankTokens, "invalidate" | "get">,
  sentToken: string | undefined,
  response: Response,
  signal?: AbortSignal,
): Promise<AccessToken | undefined> {
  // No token was sent (another middleware removed it): nothing to drop; replay with ours.
  if (sentToken !== undefined) bank.invalidate(sentToken);
  const fresh = await bank.get(undefined, signal);
  if (fresh.accessToken === sentToken) return undefined;
  discardBody(response);
  return fresh;
}

/**
 * Lets go of the body of a response nobody will read, so that its connection is freed: a web
 * stream is cancelled; node-fetch's Response has a Node stream, which is destroyed.
 */
export function discardBody(response: Response): void {
  const body = response.body as unknown as { cancel?: () => Promise<void>; destroy?: () => void };
  if (body == null) return;
  if (typeof body.cancel === "function") body.cancel().catch(() => {});
  else body.destroy?.();
}

/**
 * `send()`, a synchronous throw made a rejection: a custom fetch that is not an async function
 * may throw rather than reject, and its error takes the same way out as any other (redacted).
 */
export function settle(send: () => Promise<Response>): Promise<Response> {
  try {
    return send();
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}

/**
 * What a failed send of a request carrying the bank token becomes for its caller. The caller's
 * abort is its reason, not what the fetch made of it. Anything else is TimeoutError `timeout`
 * (when `timedOut`) or ConnectionError `connection_failed`, naming the origin only, with the
 * fetch's error as `cause`, redacted: a fetch wrapper may quote the request, the token included.
 */
export function sendFailure(
  who: string,
  url: string,
  thrown: unknown,
  signal: AbortSignal | undefined,
  timedOut: boolean,
  redactor: Redactor,
): unknown {
  if (signal?.aborted) return signal.reason;
  const operation = `${who} to ${new URL(url).origin}`;
  return redactError(transportError(operation, thrown, timedOut, false), redactor);
}
