/**
 * Redirects of the requests that carry the bank token (cybrid.fetch, cybrid.middleware): who
 * follows them, so that no hop takes the token to an origin the guard refuses.
 *
 * fetch implementations disagree on where Authorization goes on a redirect. The fetch spec drops
 * it on any cross-origin hop, and the runtimes' own fetches do so (Node's undici, Bun, Deno,
 * browsers); node-fetch and cross-fetch keep it for the same hostname on another port, or a
 * subdomain; a wrapper may keep it anywhere. An API origin that redirects (an open redirect, a
 * misconfigured proxy) would hand the token to an origin the client refuses. So:
 *
 * - The runtime's own fetch, and any fetch in a browser (which goes through the browser), follow
 *   redirects themselves, as before: the token goes no further than the first origin, which the
 *   guard checked (Node 20's undici and Bun 1.4 drop it even for another port of the same host,
 *   checked on loopback). That costs nothing (following here costs cybrid.middleware a Request
 *   copy per call, see auth-middleware.ts), and keeps fetch's own behaviour: a redirect to a
 *   file store is followed, without the token; `response.redirected`. "The runtime's own" is
 *   what `globalThis.fetch` was when cybrid-id was loaded: a program that put another fetch
 *   there before (a polyfill) should pass it wrapped, so that it counts as the user's.
 * - Any other fetch (the client's `fetch` option, an openapi-fetch client's) is asked for
 *   `redirect: "manual"` and we follow each 3xx here: a target the guard allows is followed with
 *   the token, by fetch's rules for the method and the body (301/302 after POST and 303 become
 *   a GET without a body), up to fetch's 20 hops; anything else is handed back to the caller as
 *   it came, unfollowed: a target the guard refuses (the caller may follow it, without the
 *   token), no or a bad Location, a body that cannot be sent again (a stream) on a 307/308, the
 *   21st hop. Such a fetch must honour `redirect` (node-fetch, cross-fetch and undici do).
 *
 * A request whose caller asked for "manual" or "error" is sent as asked: nothing is followed.
 */
import { discardBody } from "./bearer-token.js";

/** The most redirects followed for one request, as fetch allows (its 21st is an error there). */
export const MAX_REDIRECTS = 20;

const FOLLOWED = new Set([301, 302, 303, 307, 308]);

/**
 * Request-body headers (fetch's list, and Content-Length): dropped when a redirect turns the
 * request into a GET without its body.
 */
const BODY_HEADERS = [
  "content-encoding",
  "content-language",
  "content-location",
  "content-type",
  "content-length",
];

/** Whether a response's status is a redirect that fetch would follow (and so do we). */
export function isFollowedRedirect(status: number): boolean {
  return FOLLOWED.has(status);
}

/**
 * Whether this is a browser (a page or a worker): there every fetch, the platform's or a wrapper
 * of it, goes through the browser, which follows redirects by the fetch spec (it drops
 * Authorization on a cross-origin hop: Firefox 111, Safari 16.1, Chromium), and answers
 * `redirect: "manual"` with an opaque response without Location, which could not be followed
 * here anyway. Node, Bun and Deno name a Node version (as do jsdom and happy-dom, which run in
 * Node). `scope` is the global object (a parameter for the tests).
 */
export function inBrowser(scope: object = globalThis): boolean {
  const global = scope as { process?: { versions?: { node?: unknown } } } & Record<string, unknown>;
  if (typeof global.process?.versions?.node === "string") return false;
  return typeof global.document === "object" || typeof global.importScripts === "function";
}

/**
 * The runtime's own fetch, as it was when cybrid-id was loaded. A fetch put on globalThis later
 * (a test's mock, an instrumentation wrapper) is another fetch: we follow its redirects.
 */
const RUNTIME_FETCH: unknown = globalThis.fetch;
const BROWSER = inBrowser();

/** Whether requests sent with `fetch` have their redirects left to it (see above). */
export function fetchFollowsRedirects(fetch: unknown): boolean {
  return BROWSER || fetch === RUNTIME_FETCH;
}

/**
 * What fetch can do with `body` in a second request (a redirect's hop, a replay after a 401):
 * send again a string, bytes, a Blob or form data; not a stream (or an async iterable, which
 * some fetches take), which the first send read.
 */
export function bodyKind(body: unknown): BodyKind {
  if (body == null) return "none";
  return typeof body === "string" ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    body instanceof Blob ||
    body instanceof URLSearchParams ||
    body instanceof FormData
    ? "resendable"
    : "streamed";
}

/** `headers` without the request-body headers: for a hop that drops the body. */
export function withoutBodyHeaders(headers: HeadersInit): Headers {
  const copy = new Headers(headers);
  for (const name of BODY_HEADERS) copy.delete(name);
  return copy;
}

/** A request's body as far as a redirect is concerned. */
export type BodyKind = "none" | "resendable" | "streamed";

/** Where a request goes next, and whether it still has its body. */
export interface Hop {
  url: string;
  method: string;
  withBody: boolean;
}

/** The request as first sent. */
export interface FirstSend {
  url: string;
  method: string;
  body: BodyKind;
}

/** The next hop after `response` to `sent`, or undefined: hand the response back. */
function nextHop(
  response: Response,
  sent: FirstSend,
  allows: (url: URL) => boolean,
): FirstSend | undefined {
  const location = response.headers.get("location");
  if (location === null) return undefined;
  let target: URL;
  try {
    target = new URL(location, sent.url);
  } catch {
    return undefined;
  }
  if (!allows(target)) return undefined;
  const { status } = response;
  const { method } = sent;
  // fetch's rules (HTTP-redirect fetch): a 303 makes any method but GET and HEAD a GET, and a
  // 301 or 302 makes a POST one (as browsers always did); either drops the body.
  const get = /^(get|head)$/i.test(method);
  if ((status === 303 && !get) || ((status === 301 || status === 302) && /^post$/i.test(method)))
    return { url: target.href, method: "GET", body: "none" };
  // A 307 or 308 sends the body again: a stream was read by the first send.
  if (sent.body === "streamed") return undefined;
  return { url: target.href, method, body: sent.body };
}

/**
 * Follows `response` (to the request `first`) through the hops the guard allows, sending each
 * with `send`. Resolves with the first response that is not followed on: the answer of an API
 * origin, or a 3xx handed back (see above). `send` rejects as fetch does; so does this, with
 * that error.
 */
export async function followRedirects(
  response: Response,
  first: FirstSend,
  allows: (url: URL) => boolean,
  send: (hop: Hop) => Promise<Response>,
): Promise<Response> {
  let sent = first;
  for (let hops = 0; hops < MAX_REDIRECTS && isFollowedRedirect(response.status); hops++) {
    const next = nextHop(response, sent, allows);
    if (next === undefined) break;
    // Nobody reads a followed redirect's body: let its connection go.
    discardBody(response);
    sent = next;
    response = await send({ url: sent.url, method: sent.method, withBody: sent.body !== "none" });
  }
  return response;
}
