/**
 * node-fetch (3.3.2, pinned) as users plug it in. Its redirects keep Authorization when the new
 * URL has the same hostname (another port) or is a subdomain: unlike the fetch spec, it does not
 * compare origins. node-fetch 3 takes a URL and an init, not a platform Request (`new
 * URL(request)` fails), so a user gives it to openapi-fetch through a small wrapper; these are
 * those wrappers, passing on what the request says, its redirect mode included.
 */
import nodeFetch, { type RequestInit as NodeFetchInit } from "node-fetch";

/**
 * For the client's `fetch` option: cybrid.fetch's calls (a URL and an init) go to node-fetch as
 * they are, and it returns node-fetch's own Response; openapi-fetch's (a platform Request: the
 * IdP's token requests) go to the platform fetch, which the IdP pipeline reads.
 */
export const nodeFetchForUrls: typeof fetch = (input, init) =>
  input instanceof Request
    ? fetch(input, init)
    : (nodeFetch(input as string, init as NodeFetchInit) as unknown as Promise<Response>);

/**
 * For an openapi-fetch client's `fetch` (which cybrid.middleware's requests go through): the
 * Request sent with node-fetch, its answer as a platform Response (openapi-fetch accepts no
 * other from a middleware).
 */
export async function nodeFetchForRequests(request: Request): Promise<Response> {
  const answer = await nodeFetch(request.url, {
    method: request.method,
    headers: [...request.headers],
    body: request.body === null ? undefined : Buffer.from(await request.arrayBuffer()),
    redirect: request.redirect,
    signal: request.signal as NodeFetchInit["signal"],
  });
  const body = answer.status === 204 || answer.status === 304 ? null : await answer.arrayBuffer();
  return new Response(body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: [...answer.headers],
  });
}
