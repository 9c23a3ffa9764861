/**
 * The bank token reaches only the client's API origins, also across redirects and whatever
 * fetch is used. node-fetch (and cross-fetch, which wraps node-fetch 2) keeps Authorization on a
 * redirect to the same hostname on another port, or to a subdomain: an API origin that
 * redirects (an open redirect, a misconfigured proxy) would hand the token to an origin the
 * client refuses. So with any fetch but the runtime's own, cybrid.fetch and cybrid.middleware
 * follow redirects themselves: a hop to an API origin is followed with the token, any other
 * hop's 3xx is handed back, unfollowed. The runtime's own fetch follows them itself, dropping
 * the token on any cross-origin hop (the fetch spec).
 *
 * Two loopback servers on one hostname, two ports: two origins, one hostname.
 */
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { MAX_REDIRECTS, inBrowser } from "../../src/auth/redirects.js";
import type { CybridId } from "../../src/index.js";
import { clientFor, emulator } from "../helpers/client-harness.js";
import { hopServer, type HopServer } from "../helpers/hop-server.js";
import { nodeFetchForRequests, nodeFetchForUrls } from "../helpers/node-fetch.js";

type AnyPaths = Record<
  string,
  { get: { responses: Record<number, { content: { "application/json": unknown } }> } }
>;

/** The Authorization headers `server` received. */
const authorizations = (server: { requests: { authorization: string | undefined }[] }) =>
  server.requests.map((request) => request.authorization);

describe("a redirect to an origin the client refuses, on the same hostname (node-fetch)", () => {
  it("cybrid.fetch hands the 3xx back: the other origin gets nothing", async () => {
    const emu = await emulator();
    const [api, other] = [await hopServer(), await hopServer()];
    api.route("/start", { status: 302, location: `${other.origin}/landing` });
    const cybrid = clientFor(emu, { apiOrigins: [api.origin], fetch: nodeFetchForUrls });
    const response = await cybrid.fetch(`${api.origin}/start`);
    expect(authorizations(other)).toEqual([]);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${other.origin}/landing`);
    expect(authorizations(api)).toEqual([`Bearer ${(await cybrid.getToken()).accessToken}`]);
  });

  it("cybrid.middleware hands the 3xx back: the other origin gets nothing", async () => {
    const emu = await emulator();
    const [api, other] = [await hopServer(), await hopServer()];
    api.route("/start", { status: 302, location: `${other.origin}/landing` });
    const cybrid = clientFor(emu, { apiOrigins: [api.origin] });
    const client = createClient<AnyPaths>({ baseUrl: api.origin, fetch: nodeFetchForRequests });
    client.use(cybrid.middleware);
    const { response } = await client.GET("/start");
    expect(authorizations(other)).toEqual([]);
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${other.origin}/landing`);
  });
});

/** `Bearer <the client's current token>`. */
const bearerOf = async (cybrid: CybridId) => `Bearer ${(await cybrid.getToken()).accessToken}`;

/** An openapi-fetch client of `origin` with the client's middleware, on `fetch`. */
function middlewareClient(cybrid: CybridId, origin: string, fetch?: typeof globalThis.fetch) {
  const client = createClient<AnyPaths>({ baseUrl: origin, ...(fetch ? { fetch } : {}) });
  client.use(cybrid.middleware);
  return client;
}

interface Way {
  name: string;
  /** Which of the two sends: cybrid.fetch, or an openapi-fetch client with the middleware. */
  kind: "fetch" | "middleware";
  /** The client's `fetch` option (cybrid.fetch) or the openapi-fetch client's. */
  fetch: typeof fetch;
}

/** A fetch of the user's that is the runtime's underneath (an instrumented fetch, say). */
const wrapped: typeof fetch = (input, init) => fetch(input, init);

/** The two ways of sending, each with node-fetch and with a wrapper of the runtime's fetch. */
const WAYS: Way[] = [
  { name: "cybrid.fetch, node-fetch", kind: "fetch", fetch: nodeFetchForUrls },
  { name: "cybrid.fetch, a wrapped fetch", kind: "fetch", fetch: wrapped },
  {
    name: "cybrid.middleware, node-fetch",
    kind: "middleware",
    fetch: nodeFetchForRequests as typeof fetch,
  },
  { name: "cybrid.middleware, a wrapped fetch", kind: "middleware", fetch: wrapped },
];

/** GET `path` of `api` the way `way` says (`redirect`: the caller's mode): the response. */
async function get(
  way: Way,
  cybrid: CybridId,
  api: HopServer,
  path: string,
  redirect?: RequestRedirect,
): Promise<Response> {
  if (way.kind === "fetch") return cybrid.fetch(`${api.origin}${path}`, { redirect });
  return (await middlewareClient(cybrid, api.origin, way.fetch).GET(path, { redirect })).response;
}

/** A client whose cybrid.fetch uses the way's fetch (the middleware's is the openapi client's). */
function clientOf(way: Way, emu: Parameters<typeof clientFor>[0], origins: string[]) {
  return clientFor(emu, {
    apiOrigins: origins,
    ...(way.kind === "fetch" ? { fetch: way.fetch } : {}),
  });
}

describe.each(WAYS)("redirects through $name, followed by cybrid-id", (way) => {
  it("a redirect on the same origin is followed with the token", async () => {
    const emu = await emulator();
    const api = await hopServer();
    api.route("/start", { status: 302, location: "/end" });
    const cybrid = clientOf(way, emu, [api.origin]);
    const response = await get(way, cybrid, api, "/start");
    expect(response.status).toBe(200);
    const bearer = await bearerOf(cybrid);
    expect(api.requests.map((r) => [r.path, r.authorization])).toEqual([
      ["/start", bearer],
      ["/end", bearer],
    ]);
  });

  it("a redirect to another API origin is followed with the token; one beyond is handed back", async () => {
    const emu = await emulator();
    const [api, bank, elsewhere] = [await hopServer(), await hopServer(), await hopServer()];
    api.route("/start", { status: 307, location: `${bank.origin}/next` });
    bank.route("/next", { status: 301, location: `${elsewhere.origin}/end` });
    const cybrid = clientOf(way, emu, [api.origin, bank.origin]);
    const response = await get(way, cybrid, api, "/start");
    expect(response.status).toBe(301);
    expect(response.headers.get("location")).toBe(`${elsewhere.origin}/end`);
    expect(authorizations(bank)).toEqual([await bearerOf(cybrid)]);
    expect(elsewhere.requests).toEqual([]);
  });

  it("a redirect the caller asked fetch not to follow (redirect: manual) is handed back", async () => {
    const emu = await emulator();
    const api = await hopServer();
    api.route("/start", { status: 302, location: "/end" });
    const cybrid = clientOf(way, emu, [api.origin]);
    const response = await get(way, cybrid, api, "/start", "manual");
    expect(response.status).toBe(302);
    expect(api.requests.map((r) => r.path)).toEqual(["/start"]);
  });

  it(`a redirect loop is followed ${MAX_REDIRECTS} times, as fetch would, then handed back`, async () => {
    const emu = await emulator();
    const api = await hopServer();
    api.route("/loop", { status: 302, location: "/loop" });
    const cybrid = clientOf(way, emu, [api.origin]);
    const response = await get(way, cybrid, api, "/loop");
    expect(response.status).toBe(302);
    expect(api.requests).toHaveLength(MAX_REDIRECTS + 1);
  });

  it("a 401 after a redirect drops the token and replays from the start, redirect included", async () => {
    const emu = await emulator();
    const api = await hopServer();
    api.route("/start", { status: 302, location: "/end" });
    api.route("/end", { status: 401 }, 1);
    const cybrid = clientOf(way, emu, [api.origin]);
    const rejected = await bearerOf(cybrid);
    const response = await get(way, cybrid, api, "/start");
    expect(response.status).toBe(200);
    const fresh = await bearerOf(cybrid);
    expect(fresh).not.toBe(rejected);
    expect(api.requests.map((r) => [r.path, r.authorization])).toEqual([
      ["/start", rejected],
      ["/end", rejected],
      ["/start", fresh],
      ["/end", fresh],
    ]);
    expect(emu.count("/oauth/token")).toBe(2);
  });
});

/**
 * A middleware after cybrid.middleware that rebuilds the request (`new Request(request, ...)`, to
 * add a header, say) passes on our "manual" mode: its redirects are still ours to follow,
 * through the guard, or the caller gets a 3xx its fetch used to follow.
 */
describe.each(WAYS.filter((way) => way.kind === "middleware"))(
  "redirects through $name, with a later middleware that rebuilds the request",
  (way) => {
    const rebuilds = {
      onRequest: ({ request }: { request: Request }) =>
        new Request(request, { headers: [...request.headers, ["x-trace", "1"]] }),
    };

    it("a redirect on the same origin is followed with the token; one elsewhere is handed back", async () => {
      const emu = await emulator();
      const [api, other] = [await hopServer(), await hopServer()];
      api.route("/start", { status: 302, location: "/end" });
      api.route("/out", { status: 302, location: `${other.origin}/x` });
      const cybrid = clientFor(emu, { apiOrigins: [api.origin] });
      const client = middlewareClient(cybrid, api.origin, way.fetch);
      client.use(rebuilds);
      expect((await client.GET("/start")).response.status).toBe(200);
      expect((await client.GET("/out")).response.status).toBe(302);
      const bearer = await bearerOf(cybrid);
      expect(api.requests.map((r) => [r.path, r.authorization])).toEqual([
        ["/start", bearer],
        ["/end", bearer],
        ["/out", bearer],
      ]);
      expect(other.requests).toEqual([]);
    });

    it("a 307 of its request with a body, which the fetch read, is handed back", async () => {
      const emu = await emulator();
      const api = await hopServer();
      api.route("/start", { status: 307, location: "/end" });
      const cybrid = clientFor(emu, { apiOrigins: [api.origin] });
      const client = middlewareClient(cybrid, api.origin, way.fetch);
      client.use(rebuilds);
      const post = client.POST as (path: string, init: object) => Promise<{ response: Response }>;
      expect((await post("/start", { body: { a: 1 } })).response.status).toBe(307);
      expect(api.requests.map((r) => [r.path, r.body])).toEqual([["/start", '{"a":1}']]);
    });
  },
);

describe("redirects through the runtime's own fetch, which follows them itself", () => {
  it("a redirect on the same origin is followed with the token", async () => {
    const emu = await emulator();
    const api = await hopServer();
    api.route("/start", { status: 302, location: "/end" });
    const cybrid = clientFor(emu, { apiOrigins: [api.origin] });
    const viaFetch = await cybrid.fetch(`${api.origin}/start`);
    const viaMiddleware = (await middlewareClient(cybrid, api.origin).GET("/start")).response;
    expect([viaFetch.status, viaFetch.redirected, viaMiddleware.status]).toEqual([200, true, 200]);
    const bearer = await bearerOf(cybrid);
    expect(api.requests.map((r) => [r.path, r.authorization])).toEqual([
      ["/start", bearer],
      ["/end", bearer],
      ["/start", bearer],
      ["/end", bearer],
    ]);
  });

  it("a redirect to any other origin, an API origin or not, is followed without the token", async () => {
    const emu = await emulator();
    const [api, bank, elsewhere] = [await hopServer(), await hopServer(), await hopServer()];
    api.route("/bank", { status: 307, location: `${bank.origin}/next` });
    api.route("/elsewhere", { status: 302, location: `${elsewhere.origin}/file` });
    const cybrid = clientFor(emu, { apiOrigins: [api.origin, bank.origin] });
    for (const path of ["/bank", "/elsewhere"]) {
      expect((await cybrid.fetch(`${api.origin}${path}`)).status).toBe(200);
      expect((await middlewareClient(cybrid, api.origin).GET(path)).response.status).toBe(200);
    }
    expect([...authorizations(bank), ...authorizations(elsewhere)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("browsers, where every fetch goes through the browser's own redirect handling", () => {
  it("are told from Node, Bun, Deno and a DOM emulated in Node", () => {
    const node = { process: { versions: { node: "20.20.2" } } };
    expect(inBrowser()).toBe(false); // this process
    expect(inBrowser({ document: {} })).toBe(true);
    expect(inBrowser({ importScripts() {} })).toBe(true); // a worker
    expect(inBrowser({ ...node, document: {} })).toBe(false); // jsdom, happy-dom
    expect(inBrowser({})).toBe(false); // a server runtime without Node's globals
  });
});
